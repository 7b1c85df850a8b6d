/**
 * `drained()` waiters: callers that back off under pressure wait until the queue is below a
 * low-water mark, not merely below full, so a waiter does not wake for one free slot only to
 * hit the bound again at once.
 */

/** `drained()` resolves below this fill. */
export const LOW_WATER = 0.5;

export interface DrainWaiters {
  /** Resolves once the fill is below {@link LOW_WATER} (at once when it already is). */
  wait(): Promise<void>;
  /** Memory went down: resolves every waiter if the fill is now below {@link LOW_WATER}. */
  wake(): void;
}

export function createDrainWaiters(fill: () => number): DrainWaiters {
  let waiters: Array<() => void> = [];
  return {
    wait() {
      if (fill() < LOW_WATER) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    wake() {
      if (waiters.length > 0 && fill() < LOW_WATER) {
        const woken = waiters;
        waiters = [];
        for (const w of woken) w();
      }
    },
  };
}
