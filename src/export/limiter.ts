/** A counting semaphore: at most `max` holders; the rest wait in FIFO order. */
export interface Limiter {
  /** Resolves with a release function once a slot is free; rejects if the signal fires first. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  readonly active: number;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const queue: Array<() => void> = [];

  const release = () => {
    active--;
    const next = queue.shift();
    if (next) next();
  };

  return {
    get active() {
      return active;
    },
    acquire(signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          active++;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            release();
          });
        };
        const onAbort = () => {
          const i = queue.indexOf(grant);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason);
        };
        if (active < max) return grant();
        queue.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
