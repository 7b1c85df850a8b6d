/**
 * Options of the batch stage (queue bounds, batch cutting, overflow, concurrency, exit handling)
 * and their resolution into a frozen config. Validated once at `createLogger`.
 */
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';

/** Batch cutting: a batch is sent when any limit is reached. */
export interface BatchOptions {
  /** Records per batch. Env: `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`. Default 512. */
  maxRecords?: number;
  /** Encoded bytes per batch. Default 1 MiB. */
  maxBytes?: number;
  /** Longest a record waits for its batch to fill, in ms. Env: `OTEL_BLRP_SCHEDULE_DELAY`. Default 1000. */
  maxDelayMs?: number;
}

export interface BatchConfig {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxDelayMs: number;
}

/** The memory queue: everything accepted and not yet exported, spooled or dropped. */
export interface QueueOptions {
  /** Records held in memory (queued, being batched or in flight). Env: `OTEL_BLRP_MAX_QUEUE_SIZE`. Default 100,000. */
  maxRecords?: number;
  /** Encoded bytes held in memory. Default 32 MiB. */
  maxBytes?: number;
}

/**
 * What happens to a record that arrives while the queue is full.
 * - `spool`: the oldest batches go to the disk spool (requires `spool.dir`).
 * - `drop-oldest`: the oldest batches not yet in flight are dropped to make room.
 * - `drop-newest`: the arriving record is dropped.
 * Every dropped record is counted as `dropped.queue_full`.
 */
export type Overflow = 'spool' | 'drop-oldest' | 'drop-newest';

/** Options of the batch stage, given at the top level of `createLogger` options. */
export interface PipelineOptions {
  /** Bounds of the memory queue. */
  queue?: QueueOptions;
  /** Queue-full policy. Default `spool` when a spool is configured, else `drop-newest`. */
  overflow?: Overflow;
  /** Batches in flight to the backend at once (live and replay together). Default 2. */
  concurrency?: number;
  /**
   * Flush on `SIGTERM`/`SIGINT` and `beforeExit`; write memory to the spool on `process.exit()`
   * and fatal exceptions. Default `true`.
   */
  handleExit?: boolean;
  /** Deadline of the flush on a signal, and the default of `shutdown({ timeoutMs })`. Default 10,000. */
  shutdownTimeoutMs?: number;
}

export interface PipelineConfig {
  readonly queue: { readonly maxRecords: number; readonly maxBytes: number };
  /** `undefined`: decided when the sink is built (`spool` if a spool exists, else `drop-newest`). */
  readonly overflow: Overflow | undefined;
  readonly concurrency: number;
  readonly handleExit: boolean;
  readonly shutdownTimeoutMs: number;
}

export const OVERFLOWS: readonly Overflow[] = ['spool', 'drop-oldest', 'drop-newest'];

export const DEFAULT_PIPELINE_CONFIG: PipelineConfig = Object.freeze({
  queue: Object.freeze({ maxRecords: 100_000, maxBytes: 32 * 1024 * 1024 }),
  overflow: undefined,
  concurrency: 2,
  handleExit: true,
  shutdownTimeoutMs: 10_000,
});

export function positiveInt(value: unknown, option: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(option, value, `an integer >= ${min}`);
  }
  return value;
}

/** An integer env var, or `undefined` when unset or blank. */
function envInt(env: Env, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new InvalidOptionError(name, raw, `an integer >= ${min}`);
  return n;
}

export function resolveBatchOptions(options: BatchOptions | undefined, env: Env = {}): BatchConfig {
  const o = options ?? {};
  return Object.freeze({
    maxRecords: positiveInt(
      o.maxRecords,
      'batch.maxRecords',
      envInt(env, 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 1) ?? 512,
    ),
    maxBytes: positiveInt(o.maxBytes, 'batch.maxBytes', 1024 * 1024),
    maxDelayMs: positiveInt(
      o.maxDelayMs,
      'batch.maxDelayMs',
      envInt(env, 'OTEL_BLRP_SCHEDULE_DELAY', 0) ?? 1000,
      0,
    ),
  });
}

export function resolvePipelineOptions(options: PipelineOptions, env: Env = {}): PipelineConfig {
  const d = DEFAULT_PIPELINE_CONFIG;
  const q = options.queue;
  if (q !== undefined && (typeof q !== 'object' || q === null)) {
    throw new InvalidOptionError('queue', q, 'an object');
  }
  if (options.overflow !== undefined && !OVERFLOWS.includes(options.overflow)) {
    throw new InvalidOptionError('overflow', options.overflow, `one of ${OVERFLOWS.join(', ')}`);
  }
  if (options.handleExit !== undefined && typeof options.handleExit !== 'boolean') {
    throw new InvalidOptionError('handleExit', options.handleExit, 'a boolean');
  }
  return Object.freeze({
    queue: Object.freeze({
      maxRecords: positiveInt(
        q?.maxRecords,
        'queue.maxRecords',
        envInt(env, 'OTEL_BLRP_MAX_QUEUE_SIZE', 1) ?? d.queue.maxRecords,
      ),
      // Below 1 KiB a single ordinary record would not fit.
      maxBytes: positiveInt(q?.maxBytes, 'queue.maxBytes', d.queue.maxBytes, 1024),
    }),
    overflow: options.overflow,
    concurrency: positiveInt(options.concurrency, 'concurrency', d.concurrency),
    handleExit: options.handleExit ?? d.handleExit,
    shutdownTimeoutMs: positiveInt(options.shutdownTimeoutMs, 'shutdownTimeoutMs', d.shutdownTimeoutMs, 0),
  });
}
