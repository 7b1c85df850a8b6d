/**
 * The batching pipeline: one bounded memory queue (records and bytes), batches cut by count,
 * bytes and delay, several in flight, overflow policy, spool hand-off and replay, flush and
 * shutdown.
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
 * - overflow drops: `dropped.queue_full`. Replay moves are in `replay.ts`.
 */
import type { Diag } from '../diag.js';
import type { Exporter, ExportOutcome } from '../export/types.js';
import type { ReplayPacer } from '../spool/pacer.js';
import type { Spool } from '../spool/types.js';
import type { Counters, DropReason, StatsSnapshot } from '../stats.js';
import { type BuildDropSummary, createDropSummary } from './drop-summary.js';
import { createFlushTracker } from './flush-tracker.js';
import { type Entry, framedSize, MemoryQueue } from './memory-queue.js';
import { type BatchConfig, DEFAULT_PIPELINE_CONFIG, type Overflow, type PipelineConfig } from './options.js';
import { createReplayer, type Replayer } from './replay.js';
import { createSpill } from './spill.js';
import type { QueuedRecord, RecordSink } from './types.js';

/** `drained()` resolves below this fill. */
export const LOW_WATER = 0.5;

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
  readonly closed: boolean;
}

function timeout(ms: number): { promise: Promise<'timeout'>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export function createPipeline(deps: PipelineDeps): PipelineSink {
  const { exporter, spool, counters, diag } = deps;
  const cfg = deps.pipeline ?? DEFAULT_PIPELINE_CONFIG;
  const maxRecords = cfg.queue.maxRecords;
  const maxBytes = cfg.queue.maxBytes;
  const overflow: Overflow = cfg.overflow ?? (spool ? 'spool' : 'drop-newest');

  const queue = new MemoryQueue({
    maxRecords,
    maxBytes,
    // A batch can never be larger than the queue that holds it.
    batchRecords: Math.min(deps.batch.maxRecords, maxRecords),
    batchBytes: Math.min(deps.batch.maxBytes, maxBytes),
  });
  const sending = new Set<Entry>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Set by the shutdown deadline: undelivered records are then dropped as `shutdown`. */
  let deadlinePassed = false;
  /** Set by `exitSync`: memory went to disk; late outcomes are ignored. */
  let exited = false;
  let liveSinceReplay = 0;
  let lastResource: QueuedRecord['resource'] | undefined;
  let drainWaiters: Array<() => void> = [];
  let shutdownPromise: Promise<void> | undefined;
  const tracker = createFlushTracker();

  const spill = createSpill({
    spool,
    counters,
    diag,
    budget: { records: maxRecords, bytes: maxBytes },
    onSettled: () => released(),
    onAppended: () => replayer?.noteAppended(),
  });

  const replayer: Replayer | undefined = spool
    ? createReplayer({
        spool,
        exporter,
        counters,
        diag,
        retryMs: deps.replayRetryMs ?? 1000,
        pacer: deps.replayPacer,
        wake: () => dispatch(),
      })
    : undefined;

  const summary = createDropSummary({
    counters,
    build: deps.buildDropSummary,
    intervalMs: deps.dropSummaryIntervalMs ?? 10_000,
    calm: () => !closed && fill() < LOW_WATER,
    resource: () => lastResource,
    emit: (record) => {
      counters.accepted++;
      counters.queued++;
      enqueue(record);
    },
  });

  const fill = () => queue.fill();

  /** Memory went down: wake `drained()` waiters, maybe write the drop summary, send more. */
  function released(): void {
    if (drainWaiters.length > 0 && fill() < LOW_WATER) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const w of waiters) w();
    }
    summary.check();
    dispatch();
  }

  function drop(reason: DropReason, n: number): void {
    counters.queued -= n;
    counters.drop(reason, n);
  }

  function cut(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const entry = queue.cut();
    if (!entry) return;
    tracker.add(entry.seq);
    dispatch();
  }

  /** Makes room for one record of `size` bytes per the overflow policy. False: it cannot be kept. */
  function makeRoom(size: number): boolean {
    while (!queue.fits(size)) {
      if (overflow === 'drop-newest') return false;
      const oldest = queue.ready[0];
      if (!oldest) {
        if (queue.looseCount === 0) return false; // everything is in flight
        if (overflow === 'drop-oldest') {
          queue.dropOldestLoose();
          drop('queue_full', 1);
        } else cut(); // spool: turn loose records into a batch that can go to disk
        continue;
      }
      if (overflow === 'spool' && !spill.hasRoom(oldest.batch)) return false;
      queue.ready.shift();
      if (overflow === 'drop-oldest') {
        queue.recycle(oldest);
        drop('queue_full', oldest.batch.count);
        tracker.settle(oldest.seq);
      } else {
        queue.forget(oldest);
        spill.toDisk(oldest.batch, 'queue_full').then(() => tracker.settle(oldest.seq));
      }
    }
    return true;
  }

  function enqueue(record: QueuedRecord): void {
    const size = framedSize(record);
    if (size > maxBytes) {
      drop('too_large', 1);
      summary.check();
      return;
    }
    if (!queue.fits(size) && !makeRoom(size)) {
      drop('queue_full', 1);
      return;
    }
    lastResource = record.resource;
    if (queue.wouldOverflowBatch(size)) cut();
    queue.add(record, size);
    if (queue.batchFull()) cut();
    else if (!timer) {
      timer = setTimeout(cut, deps.batch.maxDelayMs);
      timer.unref();
    }
  }

  function dispatch(): void {
    if (exited) return;
    while (sending.size + (replayer?.active ? 1 : 0) < cfg.concurrency) {
      // A replay takes a slot when no live batch waits, or every other turn, so neither starves.
      if (replayer && !closed && (queue.ready.length === 0 || liveSinceReplay > 0) && replayer.ready()) {
        liveSinceReplay = 0;
        replayer.start();
        continue;
      }
      const entry = queue.ready.shift();
      if (!entry) return;
      liveSinceReplay++;
      send(entry);
    }
  }

  function send(entry: Entry): void {
    const controller = new AbortController();
    entry.controller = controller;
    sending.add(entry);
    exporter
      .export(entry.batch, { signal: controller.signal })
      .catch((err): ExportOutcome => {
        diag.error('pipeline', `exporter rejected (a bug): ${(err as Error)?.message}`);
        return { exported: 0, dropped: {}, undelivered: [entry.batch] };
      })
      .then((outcome) => {
        // Not in `sending` any more: `exitSync` already put it on disk; ignore the late outcome.
        if (!sending.delete(entry)) return;
        queue.forget(entry);
        const spilled = settleOutcome(outcome);
        released();
        return Promise.all(spilled);
      })
      .finally(() => tracker.settle(entry.seq));
  }

  /** Moves the counters for a live batch's outcome; returns the pending spool appends. */
  function settleOutcome(outcome: ExportOutcome): Promise<void>[] {
    counters.queued -= outcome.exported;
    counters.exported += outcome.exported;
    for (const [reason, n] of Object.entries(outcome.dropped)) drop(reason as DropReason, n ?? 0);
    const fallback: DropReason = deadlinePassed ? 'shutdown' : 'retries_exhausted';
    return outcome.undelivered.map((part) => spill.toDisk(part, fallback));
  }

  /** After the shutdown deadline: what is still in memory goes to the spool or is dropped. */
  async function abandon(): Promise<void> {
    deadlinePassed = true;
    cut();
    const rest = queue.ready;
    queue.ready = [];
    for (const entry of rest) queue.forget(entry);
    const appends = rest.map((e) => spill.toDisk(e.batch, 'shutdown').then(() => tracker.settle(e.seq)));
    for (const entry of sending) entry.controller?.abort();
    await Promise.all(appends);
  }

  async function shutdown(timeoutMs: number): Promise<void> {
    closed = true;
    summary.stop();
    const stopReplay = replayer?.stop();
    cut();
    const flushed = tracker.waitFor(queue.lastSeq);
    const deadline = timeout(timeoutMs);
    if ((await Promise.race([flushed, deadline.promise])) === 'timeout') {
      diag.warn(
        'shutdown-deadline',
        `shutdown deadline of ${timeoutMs} ms passed; spooling or dropping the rest`,
      );
      await abandon();
      const grace = timeout(deps.abortGraceMs ?? 1000);
      await Promise.race([flushed, grace.promise]);
      grace.cancel();
    }
    deadline.cancel();
    await stopReplay;
    await spill.idle();
    await exporter.close();
    spill.close();
    await spool?.close();
    released();
    deps.onClosed?.();
  }

  // Batches left by an earlier process replay without waiting for the first log call.
  if (replayer) queueMicrotask(dispatch);

  return {
    write(record) {
      counters.accepted++;
      if (closed) {
        counters.drop('after_shutdown', 1);
        return;
      }
      counters.queued++;
      enqueue(record);
    },
    get pressure() {
      return fill();
    },
    drained() {
      if (closed || fill() < LOW_WATER) return Promise.resolve();
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
    flush() {
      cut();
      return tracker.waitFor(queue.lastSeq);
    },
    shutdown(options) {
      shutdownPromise ??= shutdown(options?.timeoutMs ?? cfg.shutdownTimeoutMs);
      return shutdownPromise;
    },
    exitSync() {
      if (exited) return;
      exited = true; // before cut(): nothing new starts on the wire now
      closed = true;
      cut();
      summary.stop();
      const entries = [...queue.ready, ...sending];
      queue.ready = [];
      sending.clear();
      for (const e of entries) {
        queue.forget(e);
        spill.toDiskSync(e.batch, 'shutdown');
      }
      spill.flushSync();
      deps.onClosed?.();
    },
    get queuedRecords() {
      return queue.records + spill.records;
    },
    get closed() {
      return closed;
    },
    stats(): StatsSnapshot {
      return counters.snapshot({
        records: queue.records,
        bytes: queue.bytes,
        maxRecords,
        maxBytes,
        fill: fill(),
      });
    },
  };
}
