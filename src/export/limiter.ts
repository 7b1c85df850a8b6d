/** A counting semaphore: at most `max` holders; the rest wait in FIFO order. */
export class Limiter {
  readonly #max: number;
  #active = 0;
  readonly #queue: Array<() => void> = [];

  constructor(max: number) {
    this.#max = max;
  }

  /** Resolves with a release function once a slot is free; rejects if the signal fires first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#release();
        });
      };
      const onAbort = () => {
        const i = this.#queue.indexOf(grant);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal?.reason);
      };
      if (this.#active < this.#max) return grant();
      this.#queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(): void {
    this.#active--;
    this.#queue.shift()?.();
  }
}
