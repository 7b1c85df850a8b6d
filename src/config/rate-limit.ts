/**
 * Options of the log-storm limiter (`rateLimit`), resolved once at `createLogger`. The limiter
 * itself lives in the facade (logger/rate-limit.ts): it keys records by what the call wrote.
 */
import { InvalidOptionError } from '../errors.js';

/**
 * Log-storm protection: at most `perTemplate.records` records per key within
 * `perTemplate.intervalMs`, where a key is severity + logger name + message template (the
 * message string as written in the call, before any formatting). Past the limit, records are
 * suppressed; when the interval ends one record per key reports how many were
 * (`podlog.suppressed` attribute).
 */
export interface RateLimitOptions {
  /** The limit per key. */
  perTemplate: {
    /** Records let through per key and interval (a positive integer). */
    records: number;
    /** Length of the interval, in milliseconds (a positive integer). */
    intervalMs: number;
  };
  /** Let ERROR and FATAL records through whatever the limit. Default `true`. */
  exemptErrors?: boolean;
  /** Keys remembered at most; the least recently used is forgotten first. Default 1000. */
  maxKeys?: number;
}

export interface RateLimitConfig {
  readonly records: number;
  readonly intervalMs: number;
  readonly exemptErrors: boolean;
  readonly maxKeys: number;
}

export const DEFAULT_RATE_LIMIT_MAX_KEYS = 1000;

function positiveInt(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidOptionError(option, value, 'a positive integer');
  }
  return value;
}

/** `undefined` or `false`: off. Throws `InvalidOptionError` naming the bad field. */
export function resolveRateLimit(value: RateLimitOptions | false | undefined): RateLimitConfig | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError(
      'rateLimit',
      value,
      'an object { perTemplate: { records, intervalMs } }, or false',
    );
  }
  const per = value.perTemplate;
  if (typeof per !== 'object' || per === null) {
    throw new InvalidOptionError('rateLimit.perTemplate', per, 'an object { records, intervalMs }');
  }
  const exemptErrors = value.exemptErrors ?? true;
  if (typeof exemptErrors !== 'boolean') {
    throw new InvalidOptionError('rateLimit.exemptErrors', exemptErrors, 'a boolean');
  }
  return Object.freeze({
    records: positiveInt(per.records, 'rateLimit.perTemplate.records'),
    intervalMs: positiveInt(per.intervalMs, 'rateLimit.perTemplate.intervalMs'),
    exemptErrors,
    maxKeys:
      value.maxKeys === undefined
        ? DEFAULT_RATE_LIMIT_MAX_KEYS
        : positiveInt(value.maxKeys, 'rateLimit.maxKeys'),
  });
}
