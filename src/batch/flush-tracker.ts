/**
 * Tracks which batches are still unsettled, by sequence number, so `flush()` can wait for
 * exactly the batches cut before it was called, not for records logged afterwards (under
 * steady logging the queue is never empty, and waiting for "empty" would never end).
 */

export interface FlushTracker {
  /** A new batch with sequence number `seq` exists and is not settled yet. */
  add(seq: number): void;
  /** The batch is exported, spooled or dropped-and-counted. */
  settle(seq: number): void;
  /** Resolves once every batch with a sequence number <= `seq` is settled. */
  waitFor(seq: number): Promise<void>;
  /** Number of unsettled batches. */
  readonly size: number;
}

export function createFlushTracker(): FlushTracker {
  const unsettled = new Set<number>();
  let waiters: Array<{ seq: number; resolve: () => void }> = [];

  function oldest(): number {
    // Batches settle roughly in order and there are at most a few hundred: a scan is fine.
    let min = Number.POSITIVE_INFINITY;
    for (const s of unsettled) if (s < min) min = s;
    return min;
  }

  return {
    add(seq) {
      unsettled.add(seq);
    },
    settle(seq) {
      if (!unsettled.delete(seq) || waiters.length === 0) return;
      const min = oldest();
      const keep: typeof waiters = [];
      for (const w of waiters) {
        if (w.seq < min) w.resolve();
        else keep.push(w);
      }
      waiters = keep;
    },
    waitFor(seq) {
      if (oldest() > seq) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ seq, resolve }));
    },
    get size() {
      return unsettled.size;
    },
  };
}
