/**
 * Backoff arithmetic: exponential with full jitter (AWS architecture blog, "Exponential Backoff
 * and Jitter"), and `Retry-After` parsing (RFC 9110 §10.2.3: delay-seconds or an HTTP-date).
 */
import type { RetryConfig } from './options.js';

/** Full jitter: uniform in [0, min(maxDelay, initial · 2^(failures-1))]. `failures` counts from 1. */
export function backoffDelay(
  failures: number,
  retry: RetryConfig,
  random: () => number = Math.random,
): number {
  const exp = Math.min(30, Math.max(0, failures - 1));
  const ceiling = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** exp);
  return Math.floor(random() * ceiling);
}

/** `Retry-After` in ms from `now`, or undefined when absent or unparsable. Never negative. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The wait before the next attempt: what the server asked (clamped), else the jittered backoff. */
export function retryDelay(
  failures: number,
  retryAfterMs: number | undefined,
  retry: RetryConfig,
  random?: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, retry.maxRetryAfterMs);
  return backoffDelay(failures, retry, random);
}
