/**
 * Options of the batch stage (queue bounds, batch cutting, overflow, exit handling), declared once
 * as schemas (config/schema.ts) and resolved into a frozen config at `createLogger`.
 */
import * as opt from '../config/schema.js';
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from '../export/options.js';

/** Batch cutting: a batch is sent when any limit is reached. */
export interface BatchOptions {
  /**
   * Records per batch. Env: `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`. Default 2048 (the OTel SDK's is
   * 512): a quarter of the requests for the same records, which is most of a drain's cost.
   */
  maxRecords?: number;
  /**
   * @deprecated Use `maxRequestBytes` (top level), which it maps onto: batches are cut at
   * 1 MiB, or at `maxRequestBytes` when that is lower.
   */
  maxBytes?: number;
  /** Longest a record waits for its batch to fill, in ms. Env: `OTEL_BLRP_SCHEDULE_DELAY`. Default 1000. */
  maxDelayMs?: number;
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
  /** Batch cutting limits. */
  batch?: BatchOptions;
  /** Bounds of the memory queue. */
  queue?: QueueOptions;
  /** Queue-full policy. Default `spool` when a spool is configured, else `drop-newest`. */
  overflow?: Overflow;
  /**
   * @deprecated Use `maxConcurrentRequests`, which it maps onto: it bounds the batches in flight
   * (live and replay together) and the requests.
   */
  concurrency?: number;
  /**
   * Flush on `SIGTERM`/`SIGINT` and `beforeExit`; write memory to the spool on `process.exit()`
   * and fatal exceptions. Default `true`.
   */
  handleExit?: boolean;
  /** Deadline of the flush on a signal, and the default of `shutdown({ timeoutMs })`. Default 10,000. */
  shutdownTimeoutMs?: number;
}

/** Batches are cut at this many encoded bytes, or at `maxRequestBytes` when that is lower. */
const BATCH_MAX_BYTES = 1024 * 1024;

const OVERFLOWS: readonly Overflow[] = ['spool', 'drop-oldest', 'drop-newest'];

const BATCH_OPTIONS = {
  maxRecords: opt.int({ min: 1, default: 2048, env: 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE' }),
  maxBytes: opt.deprecated('maxRequestBytes', 'integer ≥ 1024'),
  maxDelayMs: opt.ms({ min: 0, default: 1000, env: 'OTEL_BLRP_SCHEDULE_DELAY' }),
} satisfies Record<keyof BatchOptions, opt.OptionSpec>;

const QUEUE_OPTIONS = {
  // Records are held as bytes (loose-records.ts, cut batch bodies) with no per-record object,
  // so the byte bound is the memory bound; the record bound sits above what 32 MiB holds of
  // any ordinary record (~170 bytes: ~200,000), so a 5-s outage at 20,000 records/s fits.
  maxRecords: opt.int({ min: 1, default: 1_000_000, env: 'OTEL_BLRP_MAX_QUEUE_SIZE' }),
  // Below 1 KiB a single ordinary record would not fit.
  maxBytes: opt.int({ min: 1024, default: 32 * 1024 * 1024 }),
} satisfies Record<keyof QueueOptions, opt.OptionSpec>;

export const PIPELINE_OPTIONS = {
  // opt.Resolved by resolveBatchOptions: the byte bound comes from the export stage's maxRequestBytes.
  batch: opt.custom({ accepts: 'object', group: BATCH_OPTIONS }),
  queue: opt.group(QUEUE_OPTIONS, 'an object like { maxRecords, maxBytes }'),
  overflow: opt.choice(OVERFLOWS, { defaultText: "`'spool'` with a spool, else `'drop-newest'`" }),
  concurrency: opt.deprecated('maxConcurrentRequests', 'integer 1–64'),
  handleExit: opt.bool({ default: true }),
  shutdownTimeoutMs: opt.ms({ min: 0, default: 10_000 }),
} satisfies Record<keyof PipelineOptions, opt.OptionSpec>;

export type BatchConfig = opt.Resolved<typeof BATCH_OPTIONS> & {
  /** Encoded bytes per batch: {@link BATCH_MAX_BYTES}, or `maxRequestBytes` when lower. */
  readonly maxBytes: number;
};

export type PipelineConfig = opt.Resolved<typeof PIPELINE_OPTIONS> & {
  /** Batches in flight at once (live and replay together): `maxConcurrentRequests`. */
  readonly concurrency: number;
};

export function resolveBatchOptions(
  options: BatchOptions | undefined,
  env: Env = {},
  maxRequestBytes = BATCH_MAX_BYTES,
): BatchConfig {
  return Object.freeze({
    ...opt.resolveGroup(BATCH_OPTIONS, options, 'batch', env),
    maxBytes: Math.min(BATCH_MAX_BYTES, maxRequestBytes),
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
  concurrency = DEFAULT_MAX_CONCURRENT_REQUESTS,
): PipelineConfig {
  const resolved = opt.resolveFields(PIPELINE_OPTIONS, options, '', env);
  if (resolved.overflow === 'spool' && spoolConfigured === false) {
    throw new InvalidOptionError(
      'overflow',
      'spool',
      "'drop-oldest' or 'drop-newest' (overflow 'spool' needs a spool: set spool.dir or PODLOG_SPOOL_DIR)",
    );
  }
  return Object.freeze({ ...resolved, concurrency });
}
