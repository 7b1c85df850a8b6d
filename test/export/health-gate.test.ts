import { describe, expect, it } from 'vitest';
import type { RetryConfig, Verdict } from '../../src/export/index.js';
import { HealthGate, parseRetryAfter, retryDelay } from '../../src/export/index.js';

const retry: RetryConfig = {
  maxAttempts: 6,
  maxElapsedMs: 20_000,
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  maxRetryAfterMs: 5_000,
};

describe('backoff', () => {
  it('full jitter: uniform below an exponential ceiling capped at maxDelayMs', () => {
    const top = () => 0.999999;
    const backoff = (failures: number, random: () => number) =>
      retryDelay(failures, undefined, retry, random);
    expect([1, 2, 3, 4, 5, 6].map((f) => backoff(f, top))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoff(3, () => 0)).toBe(0);
    expect(backoff(1000, top)).toBe(999);
  });

  it('parses Retry-After seconds and HTTP dates; ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
  });

  it('Retry-After wins over backoff and is clamped', () => {
    expect(retryDelay(1, 2_000, retry, () => 0.5)).toBe(2_000);
    expect(retryDelay(1, 60_000, retry, () => 0.5)).toBe(5_000);
    expect(retryDelay(2, undefined, retry, () => 0.5)).toBe(100);
  });
});

/** A permit on a healthy gate: what a request in flight holds. */
async function go(g: HealthGate) {
  const permit = await g.acquire(Number.POSITIVE_INFINITY);
  expect(permit).toBe('go');
  return permit as 'go';
}

/** The verdicts a permit is settled with. */
const ok: Verdict = { kind: 'ok', status: 200, rejected: 0, message: '' };
const abortedRequest: Verdict = { kind: 'aborted' };
const retryable = (retryAfterMs?: number): Verdict => ({
  kind: 'retry',
  cause: 'test',
  detail: 'test',
  retryAfterMs,
});

describe('health gate', () => {
  function gate(maxConcurrentRequests = 10) {
    let t = 0;
    const recovered: number[] = [];
    const g = new HealthGate({
      retry,
      maxConcurrentRequests,
      now: () => t,
      random: () => 0.5,
      onRecovered: (n) => recovered.push(n),
    });
    return { g, recovered, advance: (ms: number) => (t += ms), at: () => t };
  }

  it('healthy: everyone goes', async () => {
    const { g } = gate();
    expect(await Promise.all([g.acquire(10), g.acquire(10)])).toEqual(['go', 'go']);
    expect(g.healthy && g.ready).toBe(true);
  });

  it('after a failure: waits out the delay, then exactly one probe at a time', async () => {
    const { g, advance, recovered } = gate();
    expect(g.settle(await go(g), retryable())).toBe(50);
    expect(g.healthy).toBe(false);
    expect(g.ready).toBe(false);
    advance(50);
    expect(g.ready).toBe(true);
    expect(await g.acquire(10_000)).toBe('probe');
    expect(g.ready).toBe(false);
    let second: string | undefined;
    const pending = g.acquire(10_000).then((p) => {
      second = p;
    });
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined();
    g.settle('probe', ok);
    await pending;
    expect(second).toBe('go');
    expect(recovered).toEqual([1]);
    expect(g.healthy).toBe(true);
  });

  it('a failed probe hands the next probe to a waiter after a longer delay', async () => {
    const { g, advance } = gate();
    g.settle(await go(g), retryable());
    advance(50);
    expect(await g.acquire(10_000)).toBe('probe');
    const next = g.acquire(10_000);
    expect(g.settle('probe', retryable())).toBe(100); // second consecutive failure: ceiling doubled
    advance(100);
    expect(await next).toBe('probe');
    expect(g.failures).toBe(2);
  });

  it('failures of requests already in flight count once', async () => {
    const { g } = gate();
    const [a, b] = await Promise.all([go(g), go(g)]);
    g.settle(a, retryable());
    g.settle(b, retryable());
    expect(g.failures).toBe(1);
  });

  it('expired when the next probe cannot start before the deadline; aborted on signal', async () => {
    const { g } = gate();
    g.settle(await go(g), retryable(3_000));
    expect(await g.acquire(1_000)).toBe('expired');
    const controller = new AbortController();
    const pending = g.acquire(10_000, controller.signal);
    controller.abort();
    expect(await pending).toBe('aborted');
  });

  it('a released probe (aborted request) lets another waiter probe', async () => {
    const { g, advance } = gate();
    g.settle(await go(g), retryable());
    advance(50);
    expect(await g.acquire(10_000)).toBe('probe');
    const next = g.acquire(10_000);
    g.settle('probe', abortedRequest);
    expect(await next).toBe('probe');
  });

  it('caps requests in flight; slots go to waiters in arrival order; an aborted waiter leaves the line', async () => {
    const { g } = gate(2);
    const held = await Promise.all([go(g), go(g)]);
    const order: string[] = [];
    const controller = new AbortController();
    const third = g.acquire(10_000).then((p) => order.push(`third:${p}`));
    const aborted = g.acquire(10_000, controller.signal).then((p) => order.push(`aborted:${p}`));
    const fourth = g.acquire(10_000).then((p) => order.push(`fourth:${p}`));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    controller.abort();
    await aborted;
    g.settle(held[0], ok);
    await third;
    expect(order).toEqual(['aborted:aborted', 'third:go']);
    await new Promise((r) => setImmediate(r));
    expect(order).toHaveLength(2); // two in flight again: the fourth still waits
    g.settle(held[1], abortedRequest);
    await fourth;
    expect(order).toEqual(['aborted:aborted', 'third:go', 'fourth:go']);
  });

  it('a request that waited for a slot sees the gate its predecessor closed', async () => {
    const { g, advance } = gate(1);
    const first = await go(g);
    const next = g.acquire(10_000);
    expect(g.settle(first, retryable())).toBe(50);
    let settled: string | undefined;
    void next.then((p) => {
      settled = p;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBeUndefined();
    advance(50);
    expect(await next).toBe('probe');
  });
});
