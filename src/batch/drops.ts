/**
 * The one place the batch stage counts a drop. Every drop moves its records out of the bucket
 * they were in (`queued` in memory, `spooled` on disk, or none for a record never queued) into
 * `dropped[reason]`, and writes a diagnostic line, rate-limited per reason (diag cause
 * `drop-<reason>`), so a loss is never only a number in `stats()`.
 *
 * It also knows podlog's own batches (the drop summary, drop-summary.ts): drops of those are
 * reported to `ownDropped` so a summary never causes another summary.
 */
import type { Diag } from '../diag.js';
import type { Batch } from '../export/types.js';
import type { SpoolAccounting } from '../spool/types.js';
import type { Counters, DropReason } from '../stats.js';

/** What the user can do about each reason (the diagnostic line's second half). */
const HINTS: Record<DropReason, string> = {
  queue_full:
    'the memory queue is full; raise queue.maxRecords/queue.maxBytes, log less, or set a spool (spool.dir)',
  rejected: 'the backend refused them for good (see the export line for its answer)',
  too_large: 'a record is larger than the memory queue (queue.maxBytes) or than the backend accepts',
  retries_exhausted:
    'the backend was not reachable within the retry budget (retry.maxElapsedMs); set a spool (spool.dir) to keep such records',
  shutdown: 'still undelivered when the shutdown deadline passed; raise shutdownTimeoutMs or set a spool',
  after_shutdown: 'logged after shutdown(); records logged then are never sent',
  spool_full: 'the spool reached spool.maxBytes',
  expired: 'older than spool.maxAgeMs in the spool',
  corrupt: 'found corrupt in the spool',
  disk_error: "the spool's disk refused them (full, read-only or failing)",
  encode_error: 'podlog could not encode or frame them (a bug in podlog: please report it)',
};

export interface DropsDeps {
  counters: Counters;
  diag: Diag;
  /** Records of one of podlog's own batches (see {@link Drops.markOwn}) were dropped. */
  ownDropped?: (reason: DropReason, n: number) => void;
}

export interface Drops {
  /** `n` records in memory (counted `queued`) are dropped; `batch` is the batch they were in, if any. */
  fromQueue(reason: DropReason, n: number, batch?: Batch): void;
  /** `n` records on disk (counted `spooled`) are dropped. */
  fromSpool(reason: DropReason, n: number): void;
  /** `n` accepted records that never reached the queue (`after_shutdown`, `encode_error`). */
  unqueued(reason: DropReason, n: number): void;
  /** `batch` holds only podlog's own records: its drops go to `ownDropped` as well. */
  markOwn(batch: Batch): void;
}

export function createDrops({ counters, diag, ownDropped }: DropsDeps): Drops {
  // Weak: a batch that is exported or spooled is simply forgotten.
  const own = new WeakSet<Batch>();

  function count(reason: DropReason, n: number, batch: Batch | undefined): void {
    counters.drop(reason, n);
    if (batch !== undefined && own.has(batch)) ownDropped?.(reason, n);
    const line = `dropped ${n} record(s) (${reason}), ${counters.dropped[reason]} so far: ${HINTS[reason]}`;
    if (reason === 'encode_error') diag.error(`drop-${reason}`, line);
    else diag.warn(`drop-${reason}`, line);
  }

  return {
    fromQueue(reason, n, batch) {
      if (n <= 0) return;
      counters.queued -= n;
      count(reason, n, batch);
    },
    fromSpool(reason, n) {
      if (n <= 0) return;
      counters.spooled -= n;
      count(reason, n, undefined);
    },
    unqueued(reason, n) {
      if (n <= 0) return;
      count(reason, n, undefined);
    },
    markOwn(batch) {
      own.add(batch);
    },
  };
}

/**
 * The spool's side of the accounting (`SpoolAccounting`): what only the spool sees, recovery,
 * damage and evictions, moved between the same buckets. No diagnostic line here: the spool writes
 * its own (`spool-<reason>`, `spool-corrupt`), which say which segment and why.
 */
export function spoolAccounting(counters: Counters): SpoolAccounting {
  return {
    recovered(n) {
      counters.recovered += n;
      counters.spooled += n;
    },
    lost(reason, n) {
      counters.spooled -= n;
      counters.drop(reason, n);
    },
    foundCorrupt(n, unknown) {
      counters.recovered += n;
      counters.drop('corrupt', n);
      counters.lossUnknown.corrupt += unknown;
    },
  };
}
