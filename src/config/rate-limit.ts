/**
 * Options of the log-storm limiter (`rateLimit`), resolved once at `createLogger`. The limiter
 * itself lives in the facade (logger/rate-limit.ts): it keys records by what the call wrote.
 */
import * as opt from './schema.js';

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

const PER_TEMPLATE_OPTIONS = {
  records: opt.int({ min: 1, required: true }),
  intervalMs: opt.ms({ min: 1, required: true }),
} satisfies Record<keyof RateLimitOptions['perTemplate'], opt.OptionSpec>;

export const RATE_LIMIT_OPTIONS = {
  perTemplate: opt.group(PER_TEMPLATE_OPTIONS, 'an object { records, intervalMs }', { required: true }),
  exemptErrors: opt.bool({ default: true }),
  maxKeys: opt.int({ min: 1, default: 1000 }),
} satisfies Record<keyof RateLimitOptions, opt.OptionSpec>;

/** The limiter's settings, flat: `records`, `intervalMs`, `exemptErrors`, `maxKeys`. */
export type RateLimitConfig = opt.Resolved<typeof PER_TEMPLATE_OPTIONS> &
  Omit<opt.Resolved<typeof RATE_LIMIT_OPTIONS>, 'perTemplate'>;

/** `undefined` or `false`: off. Throws `InvalidOptionError` naming the bad field. */
export function resolveRateLimit(value: RateLimitOptions | false | undefined): RateLimitConfig | undefined {
  if (value === undefined || value === false) return undefined;
  const { perTemplate, ...rest } = opt.resolveGroup(
    RATE_LIMIT_OPTIONS,
    value,
    'rateLimit',
    {},
    'an object { perTemplate: { records, intervalMs } }, or false',
  );
  return Object.freeze({ ...perTemplate, ...rest });
}
