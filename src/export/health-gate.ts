/**
 * The exporter's view of the backend, shared by every export in flight (circuit-breaker-like).
 *
 * Healthy: every request goes straight out. After a retryable failure the gate closes: requests
 * wait until the backoff (or `Retry-After`) has passed, and then only ONE request at a time (the
 * probe) may go out. The probe's answer opens the gate for everyone, or pushes the next probe
 * further out. A waiter whose retry budget would run out before the next probe may even start
 * gives up at once (`expired`), so a long outage moves batches to the spool instead of holding
 * them in memory.
 */
import { retryDelay } from './backoff.js';
import type { RetryConfig } from './options.js';

/** Largest delay a Node.js timer takes (2^31 - 1 ms); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How a request was let through: normally, or as the one probe of a failing backend. */
export type Permit = 'go' | 'probe';

export interface HealthGate {
  /** True until a retryable failure, and again after the next answer from the backend. */
  readonly healthy: boolean;
  /** Consecutive retryable failures. */
  readonly failures: number;
  /** True when a request would go out now: healthy, or failing but due for its next probe. */
  readonly ready: boolean;
  /**
   * Waits for permission to send. `expired`: not possible before `deadline` (ms, per `now`).
   * `aborted`: the signal fired while waiting.
   */
  acquire(deadline: number, signal?: AbortSignal): Promise<Permit | 'expired' | 'aborted'>;
  /** The backend answered (any non-retryable answer, 4xx included: it is up). */
  succeeded(permit: Permit): void;
  /** A retryable failure; returns the delay set before the next request may go out. */
  failed(permit: Permit, retryAfterMs?: number): number;
  /** The request ended without telling anything about the backend (aborted). */
  released(permit: Permit): void;
}

export interface HealthGateDeps {
  retry: RetryConfig;
  now?: () => number;
  random?: () => number;
  /** Called once when the backend answers again after failures. */
  onRecovered?: (failures: number) => void;
}

export function createHealthGate({ retry, now = Date.now, random, onRecovered }: HealthGateDeps): HealthGate {
  let failures = 0;
  let notBefore = 0;
  let probing = false;
  const waiters = new Set<() => void>();

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  /** Resolves on a state change, after `ms`, or on abort, whichever comes first. */
  const wait = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Unref'd: a batch waiting out a backoff must not keep an otherwise finished process
      // alive. Whoever needs the wait to finish (shutdown, the exit hooks) holds the process
      // for its own deadline instead.
      const timer = setTimeout(done, Math.min(Math.max(0, ms), MAX_TIMER_MS));
      timer.unref();
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });

  return {
    get healthy() {
      return failures === 0;
    },
    get failures() {
      return failures;
    },
    get ready() {
      return failures === 0 || (!probing && now() >= notBefore);
    },
    async acquire(deadline, signal) {
      for (;;) {
        if (signal?.aborted) return 'aborted';
        if (failures === 0) return 'go';
        const t = now();
        const until = notBefore - t;
        if (!probing && until <= 0) {
          probing = true;
          return 'probe';
        }
        if (t >= deadline || t + until > deadline) return 'expired';
        await wait(until > 0 ? until : deadline - t, signal);
      }
    },
    succeeded(permit) {
      if (permit === 'probe') probing = false;
      if (failures > 0) {
        const was = failures;
        failures = 0;
        notBefore = 0;
        onRecovered?.(was);
      }
      wake();
    },
    failed(permit, retryAfterMs) {
      if (permit === 'probe') probing = false;
      // Requests already in flight when the backend fell over fail together: count the outage once.
      if (permit === 'probe' || failures === 0) failures++;
      const delay = retryDelay(failures, retryAfterMs, retry, random);
      notBefore = Math.max(notBefore, now() + delay);
      wake();
      return delay;
    },
    released(permit) {
      if (permit === 'probe') {
        probing = false;
        wake();
      }
    },
  };
}
