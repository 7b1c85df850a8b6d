/**
 * The exporter's view of the backend, shared by every export in flight (circuit-breaker-like):
 * may a request go out now, and when.
 *
 * At most `maxConcurrentRequests` requests are out at once; the rest wait for a slot in FIFO
 * order. Healthy: every request that has a slot goes straight out. After a retryable failure
 * the gate closes: requests wait until the backoff (or `Retry-After`) has passed, and then only
 * ONE request at a time (the probe) may go out. The probe's answer opens the gate for everyone,
 * or pushes the next probe further out. A waiter whose retry budget would run out before the
 * next probe may even start gives up at once (`expired`), so a long outage moves batches to the
 * spool instead of holding them in memory.
 */
import { MAX_TIMER_MS } from '../config/validate.js';
import type { RetryConfig } from './options.js';
import type { Verdict } from './response.js';

/**
 * The wait before the next attempt: what the server asked (`Retry-After`, clamped), else full
 * jitter (AWS architecture blog, "Exponential Backoff and Jitter"): uniform in
 * [0, min(maxDelay, initial · 2^(failures-1))]. `failures` counts from 1.
 */
export function retryDelay(
  failures: number,
  retryAfterMs: number | undefined,
  retry: RetryConfig,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, retry.maxRetryAfterMs);
  const exp = Math.min(30, Math.max(0, failures - 1));
  const ceiling = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** exp);
  return Math.floor(random() * ceiling);
}

/** How a request was let through: normally, or as the one probe of a failing backend. */
type Permit = 'go' | 'probe';

interface HealthGateDeps {
  retry: RetryConfig;
  maxConcurrentRequests: number;
  now?: () => number;
  random?: () => number;
  /** Called once when the backend answers again after failures. */
  onRecovered?: (failures: number) => void;
}

export class HealthGate {
  readonly #retry: RetryConfig;
  readonly #maxConcurrent: number;
  /** Requests holding a slot (acquired and not yet settled). */
  #active = 0;
  /** Requests waiting for a slot, in arrival order. */
  readonly #slotQueue: Array<() => void> = [];
  readonly #now: () => number;
  readonly #random: (() => number) | undefined;
  readonly #onRecovered: ((failures: number) => void) | undefined;
  #failures = 0;
  /** No request before this time (per `now`): the backoff or `Retry-After` running. */
  #notBefore = 0;
  #probing = false;
  readonly #waiters = new Set<() => void>();

  constructor({ retry, maxConcurrentRequests, now = Date.now, random, onRecovered }: HealthGateDeps) {
    this.#retry = retry;
    this.#maxConcurrent = maxConcurrentRequests;
    this.#now = now;
    this.#random = random;
    this.#onRecovered = onRecovered;
  }

  /** True until a retryable failure, and again after the next answer from the backend. */
  get healthy(): boolean {
    return this.#failures === 0;
  }

  /** Consecutive retryable failures. */
  get failures(): number {
    return this.#failures;
  }

  /** True when a request would go out now: healthy, or failing but due for its next probe. */
  get ready(): boolean {
    return this.#failures === 0 || (!this.#probing && this.#now() >= this.#notBefore);
  }

  /**
   * Waits for permission to send: first a slot, then the backend. The slot is taken first so a
   * request that waited for it cannot slip past a gate that closed meanwhile; it is held while
   * waiting at the gate (nothing else could go out then anyway). A permit holds its slot until
   * `settle`. `expired`: not possible before `deadline` (ms, per
   * `now`). `aborted`: the signal fired while waiting. Neither holds a slot.
   */
  async acquire(deadline: number, signal?: AbortSignal): Promise<Permit | 'expired' | 'aborted'> {
    if (!(await this.#takeSlot(signal))) return 'aborted';
    const permit = await this.#admit(deadline, signal);
    if (permit === 'expired' || permit === 'aborted') this.#freeSlot();
    return permit;
  }

  async #admit(deadline: number, signal?: AbortSignal): Promise<Permit | 'expired' | 'aborted'> {
    for (;;) {
      if (signal?.aborted) return 'aborted';
      if (this.#failures === 0) return 'go';
      const t = this.#now();
      const until = this.#notBefore - t;
      if (!this.#probing && until <= 0) {
        this.#probing = true;
        return 'probe';
      }
      if (t >= deadline || t + until > deadline) return 'expired';
      await this.#wait(until > 0 ? until : deadline - t, signal);
    }
  }

  /**
   * Ends a permit with its request's verdict, and returns the delay before the next request may
   * go out (0 unless a retry). A retryable failure closes the gate; any other answer, 4xx
   * included, says the backend is up; an aborted request says nothing about it. The slot is
   * freed first (see `#freeSlot`).
   */
  settle(permit: Permit, verdict: Verdict): number {
    this.#freeSlot();
    if (permit === 'probe') this.#probing = false;
    let delay = 0;
    if (verdict.kind === 'retry') {
      // Requests already in flight when the backend fell over fail together: count the outage once.
      if (permit === 'probe' || this.#failures === 0) this.#failures++;
      delay = retryDelay(this.#failures, verdict.retryAfterMs, this.#retry, this.#random);
      this.#notBefore = Math.max(this.#notBefore, this.#now() + delay);
    } else if (verdict.kind !== 'aborted' && this.#failures > 0) {
      const was = this.#failures;
      this.#failures = 0;
      this.#notBefore = 0;
      this.#onRecovered?.(was);
    }
    this.#wake();
    return delay;
  }

  /** Resolves true once a slot is free; false if the signal fires first. */
  #takeSlot(signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#active++;
        resolve(true);
      };
      const onAbort = () => {
        const i = this.#slotQueue.indexOf(grant);
        if (i >= 0) this.#slotQueue.splice(i, 1);
        resolve(false);
      };
      if (this.#active < this.#maxConcurrent) return grant();
      this.#slotQueue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Called before a settled permit changes the state, so the request next in line for a slot
   * runs before the gate's waiters and sees the new state.
   */
  #freeSlot(): void {
    this.#active--;
    this.#slotQueue.shift()?.();
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Resolves on a state change, after `ms`, or on abort, whichever comes first. */
  #wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Unref'd: a batch waiting out a backoff must not keep an otherwise finished process
      // alive. Whoever needs the wait to finish (shutdown, the exit hooks) holds the process
      // for its own deadline instead.
      const timer = setTimeout(done, Math.min(Math.max(0, ms), MAX_TIMER_MS));
      timer.unref();
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
