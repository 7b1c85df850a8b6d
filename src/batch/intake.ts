/**
 * Admission into the memory queue: the size check, the overflow policy when the queue is full,
 * and cutting loose records into batches by count, bytes and delay.
 *
 * Accounting: the caller has already counted the record `accepted` and `queued`; a record that
 * cannot be kept is moved `queued -= 1; dropped[too_large | queue_full] += 1` here, and so are
 * whole batches dropped by `drop-oldest`, and loose records whose batch could not be framed
 * (`encode_error`). Batches pushed to disk by the `spool` policy are counted by the spill.
 */
import type { Drops } from './drops.js';
import type { FlushTracker } from './flush-tracker.js';
import { type Entry, framedSize, type MemoryQueue } from './memory-queue.js';
import type { Overflow } from './options.js';
import type { Spill } from './spill.js';
import type { QueuedRecord } from './types.js';

export interface IntakeDeps {
  queue: MemoryQueue;
  overflow: Overflow;
  /** `queue.maxBytes`: a record larger than the whole queue can never be kept. */
  maxBytes: number;
  /** `batch.maxDelayMs`: the longest a loose record waits before its batch is cut. */
  maxDelayMs: number;
  spill: Spill;
  tracker: FlushTracker;
  drops: Drops;
  /** A record was dropped as too large: the drop summary may be due. */
  dropped: () => void;
  /** A batch was cut: it may be sent now. */
  dispatch: () => void;
}

export interface Intake {
  /**
   * Takes one record (already counted `queued`), or drops and counts it. Returns the batch the
   * record completed, when it filled one (the batch is cut at once). `overLimit`: taken even
   * over the queue's limits (podlog's last drop summary; one small record).
   */
  enqueue(record: QueuedRecord, overLimit?: boolean): Entry | undefined;
  /** Cuts the loose records into a batch now (flush, shutdown, the delay timer); returns it. */
  cut(): Entry | undefined;
  /** The resource of the last record taken, for the drop summary. */
  readonly lastResource: QueuedRecord['resource'] | undefined;
}

export function createIntake(deps: IntakeDeps): Intake {
  const { queue, overflow, spill, tracker, drops } = deps;
  let timer: NodeJS.Timeout | undefined;
  let lastResource: QueuedRecord['resource'] | undefined;
  const framingFailed = (n: number) => drops.fromQueue('encode_error', n);

  function cut(): Entry | undefined {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const entry = queue.cut(framingFailed);
    if (!entry) return undefined;
    tracker.add(entry.seq);
    deps.dispatch();
    return entry;
  }

  function enqueue(record: QueuedRecord, overLimit = false): Entry | undefined {
    const size = framedSize(record);
    if (size > deps.maxBytes) {
      drops.fromQueue('too_large', 1);
      deps.dropped();
      return undefined;
    }
    if (!overLimit && !queue.fits(size) && !makeRoom(size)) {
      drops.fromQueue('queue_full', 1);
      return undefined;
    }
    lastResource = record.resource;
    if (queue.wouldOverflowBatch(size)) cut();
    queue.add(record, size);
    if (queue.batchFull()) return cut();
    if (!timer) {
      timer = setTimeout(cut, deps.maxDelayMs);
      timer.unref();
    }
    return undefined;
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
          drops.fromQueue('queue_full', 1);
        } else cut(); // spool: turn loose records into a batch that can go to disk
        continue;
      }
      if (overflow === 'spool' && !spill.hasRoom(oldest.batch)) return false;
      queue.ready.shift();
      if (overflow === 'drop-oldest') {
        drops.fromQueue('queue_full', oldest.batch.count, oldest.batch);
        queue.recycle(oldest);
        tracker.settle(oldest.seq);
      } else {
        queue.forget(oldest);
        spill.toDisk(oldest.batch, 'queue_full').then(() => tracker.settle(oldest.seq));
      }
    }
    return true;
  }

  return {
    enqueue,
    cut,
    get lastResource() {
      return lastResource;
    },
  };
}
