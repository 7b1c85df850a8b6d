/**
 * Sending: up to `concurrency` exports at once, shared between live batches and spool replay,
 * and the accounting of each live batch's outcome.
 *
 * Accounting: `queued -= n` and `exported += n` / `dropped[reason] += n`; undelivered parts go
 * to the spill (spooled, or dropped as `retries_exhausted`, or `shutdown` after the deadline).
 */
import type { Diag } from '../diag.js';
import type { Exporter, ExportOutcome } from '../export/types.js';
import type { Counters, DropReason } from '../stats.js';
import type { Drops } from './drops.js';
import type { FlushTracker } from './flush-tracker.js';
import type { Entry, MemoryQueue } from './memory-queue.js';
import type { Replayer } from './replay.js';
import type { Spill } from './spill.js';

export interface DispatcherDeps {
  queue: MemoryQueue;
  exporter: Exporter;
  replayer: Replayer | undefined;
  spill: Spill;
  tracker: FlushTracker;
  counters: Counters;
  drops: Drops;
  diag: Diag;
  concurrency: number;
  /** True once the sink is closed: no new replay starts (live batches still go). */
  closed: () => boolean;
  /** An export settled and its memory was released. */
  released: () => void;
  /** A live export came back: `false` when it left records undelivered, `true` when it delivered. */
  delivering: (ok: boolean) => void;
}

export interface Dispatcher {
  /** Starts exports while slots are free. */
  dispatch(): void;
  /** Records of the live batches being exported right now (replays not included: they are spooled). */
  readonly inFlightRecords: number;
  /** The shutdown deadline passed: undelivered records from now on count as `shutdown`. */
  markDeadlinePassed(): void;
  /** Aborts every export in flight (after the shutdown deadline). */
  abortAll(): void;
  /**
   * For `exitSync`: nothing new starts and late outcomes are ignored (their batches go to disk
   * instead). Returns the batches in flight.
   */
  stop(): Entry[];
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { queue, exporter, replayer, spill, tracker, counters, drops, diag } = deps;
  const sending = new Set<Entry>();
  let liveSinceReplay = 0;
  let deadlinePassed = false;
  let stopped = false;

  function dispatch(): void {
    if (stopped) return;
    while (sending.size + (replayer?.active ? 1 : 0) < deps.concurrency) {
      // A replay takes a slot when no live batch waits, or every other turn, so neither starves.
      if (
        replayer &&
        !deps.closed() &&
        (queue.ready.length === 0 || liveSinceReplay > 0) &&
        replayer.ready()
      ) {
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
        const spilled = settleOutcome(entry, outcome);
        deps.released();
        return Promise.all(spilled);
      })
      .finally(() => tracker.settle(entry.seq));
  }

  /** Moves the counters for a live batch's outcome; returns the pending spool appends. */
  function settleOutcome(entry: Entry, outcome: ExportOutcome): Promise<void>[] {
    counters.queued -= outcome.exported;
    counters.exported += outcome.exported;
    for (const [reason, n] of Object.entries(outcome.dropped)) {
      drops.fromQueue(reason as DropReason, n ?? 0, entry.batch);
    }
    if (outcome.undelivered.length > 0) deps.delivering(false);
    else if (outcome.exported > 0) deps.delivering(true);
    const fallback: DropReason = deadlinePassed ? 'shutdown' : 'retries_exhausted';
    return outcome.undelivered.map((part) => spill.toDisk(part, fallback));
  }

  return {
    dispatch,
    get inFlightRecords() {
      let n = 0;
      for (const entry of sending) n += entry.batch.count;
      return n;
    },
    markDeadlinePassed() {
      deadlinePassed = true;
    },
    abortAll() {
      for (const entry of sending) entry.controller?.abort();
    },
    stop() {
      stopped = true;
      const inFlight = [...sending];
      sending.clear();
      return inFlight;
    },
  };
}
