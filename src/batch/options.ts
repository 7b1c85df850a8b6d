/**
 * Options of the batch stage (queue bounds, batch cutting, overflow, concurrency, exit handling)
 * and their resolution into a frozen config. Validated once at `createLogger`.
 */
import {
  boolean,
  envInteger,
  envMilliseconds,
  integer,
  milliseconds,
  oneOf,
  optionGroup,
} from '../config/validate.js';
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';

/** Batch cutting: a batch is sent when any limit is reached. */
export interface BatchOptions {
  /**
   * Records per batch. Env: `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`. Default 2048 (the OTel SDK's is
   * 512): a quarter of the requests for the same records, which is most of a drain's cost.
   */
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
  /**
   * Records held in memory (queued, being batched or in flight). Env: `OTEL_BLRP_MAX_QUEUE_SIZE`.
   * Default 1,000,000: records are held as their encoded bytes, so `maxBytes` is what bounds
   * memory; this default only binds for records under ~34 bytes.
   */
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
  // Records are held as bytes (loose-records.ts, cut batch bodies) with no per-record object,
  // so the byte bound is the memory bound; the record bound sits above what 32 MiB holds of
  // any ordinary record (~170 bytes: ~200,000), so a 5-s outage at 20,000 records/s fits.
  queue: Object.freeze({ maxRecords: 1_000_000, maxBytes: 32 * 1024 * 1024 }),
  overflow: undefined,
  concurrency: 2,
  handleExit: true,
  shutdownTimeoutMs: 10_000,
});

/** The keys of `batch`, of `queue`, and the batch stage's top-level keys (unknown ones are refused). */
export const BATCH_OPTION_KEYS = Object.keys({
  maxRecords: true,
  maxBytes: true,
  maxDelayMs: true,
} satisfies Record<keyof BatchOptions, true>);
export const QUEUE_OPTION_KEYS = Object.keys({ maxRecords: true, maxBytes: true } satisfies Record<
  keyof QueueOptions,
  true
>);
export const PIPELINE_OPTION_KEYS = Object.keys({
  queue: true,
  overflow: true,
  concurrency: true,
  handleExit: true,
  shutdownTimeoutMs: true,
} satisfies Record<keyof PipelineOptions, true>);

export function resolveBatchOptions(options: BatchOptions | undefined, env: Env = {}): BatchConfig {
  const o = optionGroup(options, 'batch', BATCH_OPTION_KEYS) ?? {};
  return Object.freeze({
    maxRecords: integer(
      o.maxRecords,
      'batch.maxRecords',
      envInteger(env, 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 1) ?? 2048,
      1,
    ),
    maxBytes: integer(o.maxBytes, 'batch.maxBytes', 1024 * 1024, 1),
    maxDelayMs: milliseconds(
      o.maxDelayMs,
      'batch.maxDelayMs',
      envMilliseconds(env, 'OTEL_BLRP_SCHEDULE_DELAY', 0) ?? 1000,
      0,
    ),
  });
}

/**
 * Resolves the batch stage's top-level options. `spoolConfigured` (known to config/resolve.ts)
 * lets `overflow: 'spool'` without a spool fail here, with the other option errors.
 */
export function resolvePipelineOptions(
  options: PipelineOptions,
  env: Env = {},
  spoolConfigured?: boolean,
): PipelineConfig {
  const d = DEFAULT_PIPELINE_CONFIG;
  const q = optionGroup(options.queue, 'queue', QUEUE_OPTION_KEYS, 'an object like { maxRecords, maxBytes }');
  const overflow = oneOf(options.overflow, 'overflow', OVERFLOWS, undefined);
  if (overflow === 'spool' && spoolConfigured === false) {
    throw new InvalidOptionError(
      'overflow',
      overflow,
      "'drop-oldest' or 'drop-newest' (overflow 'spool' needs a spool: set spool.dir or PODLOG_SPOOL_DIR)",
    );
  }
  return Object.freeze({
    queue: Object.freeze({
      maxRecords: integer(
        q?.maxRecords,
        'queue.maxRecords',
        envInteger(env, 'OTEL_BLRP_MAX_QUEUE_SIZE', 1) ?? d.queue.maxRecords,
        1,
      ),
      // Below 1 KiB a single ordinary record would not fit.
      maxBytes: integer(q?.maxBytes, 'queue.maxBytes', d.queue.maxBytes, 1024),
    }),
    overflow,
    concurrency: integer(options.concurrency, 'concurrency', d.concurrency, 1),
    handleExit: boolean(options.handleExit, 'handleExit', d.handleExit),
    shutdownTimeoutMs: milliseconds(options.shutdownTimeoutMs, 'shutdownTimeoutMs', d.shutdownTimeoutMs, 0),
  });
}
