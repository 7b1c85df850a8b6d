/**
 * The retry layer: runs one request's attempts through the health gate until the backend gives
 * a final answer or the request's budget (attempts, elapsed time) runs out. It knows nothing of
 * HTTP; `attempt` returns a `Verdict` and this loop only looks at `kind`.
 */
import type { HealthGate } from './health-gate.js';
import type { Limiter } from './limiter.js';
import type { RetryConfig } from './options.js';
import type { Verdict } from './response.js';

/** A final verdict, or `undelivered` when the budget ran out (the caller keeps the batch). */
export type RetryResult =
  | Exclude<Verdict, { kind: 'retry' } | { kind: 'aborted' }>
  | { kind: 'undelivered'; why: 'attempts' | 'deadline' | 'aborted'; last?: Verdict };

export interface RetryContext {
  gate: HealthGate;
  /**
   * Request slots (`maxConcurrentRequests`). Taken before the gate, so a request that waited for
   * a slot cannot slip past a gate that closed meanwhile; a slot is held while waiting at the gate
   * (nothing else could go out then anyway).
   */
  slots: Limiter;
  retry: RetryConfig;
  /** Absolute time (per the gate's clock) after which no new attempt starts. */
  deadline: number;
  signal?: AbortSignal;
  /** Called before each attempt after the first (counts `retries`). */
  onRetry?: (last: Verdict) => void;
  /** Called after each retryable failure, with the delay the gate set. */
  onRetryableFailure?: (verdict: Extract<Verdict, { kind: 'retry' }>, delayMs: number) => void;
}

export async function withRetry(attempt: () => Promise<Verdict>, ctx: RetryContext): Promise<RetryResult> {
  let attempts = 0;
  let last: Verdict | undefined;
  for (;;) {
    let release: () => void;
    try {
      release = await ctx.slots.acquire(ctx.signal);
    } catch {
      return { kind: 'undelivered', why: 'aborted', last };
    }
    let verdict: Verdict;
    let permit: Awaited<ReturnType<HealthGate['acquire']>>;
    try {
      permit = await ctx.gate.acquire(ctx.deadline, ctx.signal);
      if (permit === 'aborted') return { kind: 'undelivered', why: 'aborted', last };
      if (permit === 'expired') return { kind: 'undelivered', why: 'deadline', last };
      if (last) ctx.onRetry?.(last);
      attempts++;
      verdict = await attempt();
    } finally {
      release();
    }
    last = verdict;
    if (verdict.kind === 'aborted') {
      ctx.gate.released(permit);
      return { kind: 'undelivered', why: 'aborted', last };
    }
    if (verdict.kind !== 'retry') {
      ctx.gate.succeeded(permit);
      return verdict;
    }
    const delay = ctx.gate.failed(permit, verdict.retryAfterMs);
    ctx.onRetryableFailure?.(verdict, delay);
    if (attempts >= ctx.retry.maxAttempts) return { kind: 'undelivered', why: 'attempts', last };
  }
}
