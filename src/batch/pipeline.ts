/**
 * The batching pipeline: one bounded memory queue (records and bytes), batches cut by count,
 * bytes and delay, several in flight, overflow policy, spool hand-off and replay, flush and
 * shutdown. This file wires the parts and is the sink; the parts:
 *
 * - intake.ts: admission, overflow policy, cutting batches;
 * - dispatcher.ts: exports in flight (live and replay) and their outcomes;
 * - spill.ts / replay.ts: to and from the spool;
 * - shutdown.ts: `shutdown` with its deadline, and `exitSync`;
 * - drain-waiters.ts: `drained()`.
 *
 * Memory: every record from `write()` until it is exported, spooled or dropped counts against
 * `queue.maxRecords` / `queue.maxBytes`: loose records, cut batches waiting for a slot, and
 * batches in flight. Batches on their way to the spool (overflow) have their own budget of the
 * same size, so a slow disk cannot grow memory without bound either.
 *
 * Accounting (invariant `accepted + recovered = exported + queued + spooled + dropped.total`):
 * - `write`: `accepted += 1`, then `queued += 1`, or a drop (`after_shutdown`, `queue_full`, `too_large`);
 * - export outcome: `queued -= n` and `exported += n` / `dropped[reason] += n`;
 * - to the spool: `queued -= n; spooled += n` once `append` resolved true, else `dropped.disk_error`;
 * - undelivered without a spool: `dropped.retries_exhausted` (or `shutdown` after the deadline);
 * - overflow drops: `dropped.queue_full`. Replay moves are in `replay.ts`;
 * - a record the facade could not encode (`discard`), or a batch that could not be framed:
 *   `dropped.encode_error`.
 * Every drop goes through drops.ts (one diagnostic line per reason, rate-limited).
 */
import type { Diag } from '../diag.js';
import type { Exporter } from '../export/types.js';
import type { ReplayPacer } from '../spool/pacer.js';
import type { Spool } from '../spool/types.js';
import type { Counters, StatsSnapshot } from '../stats.js';
import { createDispatcher } from './dispatcher.js';
import { createDrainWaiters, LOW_WATER } from './drain-waiters.js';
import { type BuildDropSummary, createDropSummary } from './drop-summary.js';
import { createDrops } from './drops.js';
import { createFlushTracker } from './flush-tracker.js';
import { createIntake } from './intake.js';
import { framedSize, MemoryQueue } from './memory-queue.js';
import { type BatchConfig, DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from './options.js';
import { createReplayer, type Replayer } from './replay.js';
import { createShutdown } from './shutdown.js';
import { createSpill } from './spill.js';
import type { RecordSink } from './types.js';

export { LOW_WATER } from './drain-waiters.js';

export interface PipelineDeps {
  batch: BatchConfig;
  /** Queue, overflow, concurrency. Default: {@link DEFAULT_PIPELINE_CONFIG}. */
  pipeline?: PipelineConfig;
  exporter: Exporter;
  /** The disk spool, when `spool.dir` is set. */
  spool?: Spool;
  /** Replay rate limit. */
  replayPacer?: ReplayPacer;
  counters: Counters;
  diag: Diag;
  /** Encodes podlog's "records were dropped" record (the facade's encoder). */
  buildDropSummary: BuildDropSummary;
  /** Minimum gap between two drop-summary records. Default 10 s. */
  dropSummaryIntervalMs?: number;
  /** Pause after a failed replay / health polling interval. Default 1 s. */
  replayRetryMs?: number;
  /** Grace for in-flight exports to return after the shutdown deadline aborted them. Default 1 s. */
  abortGraceMs?: number;
  /** Called once the sink is shut down or has run `exitSync` (e.g. to remove process hooks). */
  onClosed?: () => void;
}

/** The pipeline's sink, plus what the process hooks need. */
export interface PipelineSink extends RecordSink {
  /** Records in memory (loose, batched, in flight, on their way to disk). */
  readonly queuedRecords: number;
  /** Records written so far (grows with every `write`; the exit hooks watch it for activity). */
  readonly written: number;
  /** `flush()`, after writing the summary of the drops not reported yet (the `beforeExit` hook). */
  flushBeforeExit(): Promise<void>;
  /** True when drops are counted that no summary reported yet. */
  readonly unreportedDrops: boolean;
  readonly closed: boolean;
}

/** Largest delay a Node.js timer takes (2^31 - 1 ms); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createPipeline(deps: PipelineDeps): PipelineSink {
  const { exporter, spool, counters, diag } = deps;
  const cfg = deps.pipeline ?? DEFAULT_PIPELINE_CONFIG;
  const maxRecords = cfg.queue.maxRecords;
  const maxBytes = cfg.queue.maxBytes;

  const queue = new MemoryQueue({
    maxRecords,
    maxBytes,
    // A batch can never be larger than the queue that holds it.
    batchRecords: Math.min(deps.batch.maxRecords, maxRecords),
    batchBytes: Math.min(deps.batch.maxBytes, maxBytes),
  });
  const fill = () => queue.fill();
  const tracker = createFlushTracker();
  const drainWaiters = createDrainWaiters(fill);
  const drops = createDrops({ counters, diag, ownDropped: (reason, n) => summary.absorb(reason, n) });
  let written = 0;
  // The last export that came back (live or replay) left records undelivered: delivery is down.
  let failing = false;
  const delivering = (ok: boolean) => {
    failing = !ok;
  };

  // The parts call each other back (an outcome frees memory, which wakes the dispatcher, which
  // may start a replay, ...): the callbacks below are only invoked after everything is built.
  const spill = createSpill({
    spool,
    counters,
    drops,
    budget: { records: maxRecords, bytes: maxBytes },
    onSettled: () => released(),
    onAppended: () => replayer?.noteAppended(),
  });

  const replayer: Replayer | undefined = spool
    ? createReplayer({
        spool,
        exporter,
        counters,
        drops,
        diag,
        retryMs: deps.replayRetryMs ?? 1000,
        pacer: deps.replayPacer,
        wake: () => {
          summary.check();
          dispatcher.dispatch();
        },
        delivering,
      })
    : undefined;

  const dispatcher = createDispatcher({
    queue,
    exporter,
    replayer,
    spill,
    tracker,
    counters,
    drops,
    diag,
    concurrency: cfg.concurrency,
    closed: () => lifecycle.closed,
    released: () => released(),
    delivering,
  });
  const summary = createDropSummary({
    counters,
    build: deps.buildDropSummary,
    intervalMs: deps.dropSummaryIntervalMs ?? 10_000,
    // Only while delivery works: a summary written into an outage would be dropped in turn.
    calm: () => !lifecycle.closed && fill() < LOW_WATER && exporter.healthy && !failing,
    resource: () => intake.lastResource,
    emit: (record, last) => {
      // Never at the cost of a user's record (no overflow policy for it), and never mixed into
      // a user's batch: alone in its batch, its own drops are known (and not summarized). The
      // last one (flush, shutdown, exit) may go over the queue's limit by this one record.
      if (!last && !queue.fits(framedSize(record))) return false;
      // Without a spool to keep it, the last one is not written into a known outage: it could
      // only be dropped (the account line at the end has the totals).
      if (last && !spool && (failing || !exporter.healthy)) return false;
      counters.accepted++;
      counters.queued++;
      intake.cut();
      // The summary alone may fill a batch (tiny batch limits): then enqueue has cut it already.
      const entry = intake.enqueue(record, last) ?? intake.cut();
      if (entry) drops.markOwn(entry.batch);
      return true;
    },
  });

  const intake = createIntake({
    queue,
    overflow: cfg.overflow ?? (spool ? 'spool' : 'drop-newest'),
    maxBytes,
    maxDelayMs: deps.batch.maxDelayMs,
    spill,
    tracker,
    drops,
    dropped: () => summary.check(),
    dispatch: () => dispatcher.dispatch(),
  });

  const lifecycle = createShutdown({
    counters,
    queue,
    intake,
    dispatcher,
    replayer,
    summary,
    spill,
    tracker,
    exporter,
    spool,
    diag,
    abortGraceMs: deps.abortGraceMs ?? 1000,
    released: () => released(),
    onClosed: deps.onClosed,
    deliveryWorks: () => exporter.healthy && !failing,
  });

  /** Memory went down: wake `drained()` waiters, maybe write the drop summary, send more. */
  function released(): void {
    drainWaiters.wake();
    summary.check();
    dispatcher.dispatch();
  }

  // Batches left by an earlier process replay without waiting for the first log call.
  if (replayer) queueMicrotask(() => dispatcher.dispatch());

  return {
    write(record) {
      written++;
      counters.accepted++;
      if (lifecycle.closed) {
        drops.unqueued('after_shutdown', 1);
        return;
      }
      counters.queued++;
      try {
        intake.enqueue(record);
      } catch (err) {
        // `write` never throws. What can throw is copying the record in (before the queue
        // counts it): it is lost, and counted.
        drops.fromQueue('encode_error', 1);
        diag.error('pipeline', `a record could not be queued: ${(err as Error)?.name}`);
      }
    },
    discard(reason) {
      written++;
      counters.accepted++;
      drops.unqueued(reason, 1);
    },
    // The queue copies each record into its batch buffer (loose-records.ts); nothing keeps `bytes`.
    copiesBytes: true,
    get pressure() {
      return fill();
    },
    drained() {
      if (lifecycle.closed) return Promise.resolve();
      return drainWaiters.wait();
    },
    flush() {
      return lifecycle.flush(cfg.shutdownTimeoutMs);
    },
    shutdown(options) {
      return lifecycle.shutdown(shutdownTimeout(options?.timeoutMs, cfg.shutdownTimeoutMs, diag));
    },
    exitSync() {
      lifecycle.exitSync();
    },
    flushBeforeExit() {
      return lifecycle.flushBeforeExit(cfg.shutdownTimeoutMs);
    },
    get queuedRecords() {
      return queue.records + spill.records;
    },
    get written() {
      return written;
    },
    get unreportedDrops() {
      return !lifecycle.closed && summary.unreported;
    },
    get closed() {
      return lifecycle.closed;
    },
    stats(): StatsSnapshot {
      const snapshot = counters.snapshot({
        records: queue.records,
        bytes: queue.bytes,
        maxRecords,
        maxBytes,
        fill: fill(),
        inFlight: dispatcher.inFlightRecords,
      });
      if (spool !== undefined) snapshot.spoolBytes = spool.pending.bytes;
      return snapshot;
    },
  };
}

/**
 * The deadline of a `shutdown({ timeoutMs })` call: a number of ms from 0 to 2^31 - 1 (longer
 * is clamped: a Node.js timer would fire after 1 ms), or the configured default for anything
 * else (a log call site must not be able to break shutdown with a bad argument).
 */
function shutdownTimeout(value: unknown, fallback: number, diag: Diag): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    diag.warn('shutdown-timeout', `shutdown({ timeoutMs }) takes a number of ms; using ${fallback}`);
    return fallback;
  }
  return Math.min(Math.max(0, value), MAX_TIMER_MS);
}
