/**
 * Options of the log-storm limiter (`rateLimit`), resolved once at `createLogger`. The limiter
 * itself lives in the facade (logger/rate-limit.ts): it keys records by what the call wrote.
 */
import { InvalidOptionError } from '../errors.js';
import { boolean, integer, milliseconds, millisecondsForm, optionGroup } from './validate.js';

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

/** The keys of `rateLimit` and of `rateLimit.perTemplate` (unknown ones are refused). */
export const RATE_LIMIT_OPTION_KEYS = Object.keys({
  perTemplate: true,
  exemptErrors: true,
  maxKeys: true,
} satisfies Record<keyof RateLimitOptions, true>);
export const PER_TEMPLATE_OPTION_KEYS = Object.keys({
  records: true,
  intervalMs: true,
} satisfies Record<keyof RateLimitOptions['perTemplate'], true>);

/** `value`, unless it is missing: a required field has no default. */
function required(value: unknown, option: string, accepted: string): unknown {
  if (value === undefined) throw new InvalidOptionError(option, undefined, `${accepted} (required)`);
  return value;
}

/** `undefined` or `false`: off. Throws `InvalidOptionError` naming the bad field. */
export function resolveRateLimit(value: RateLimitOptions | false | undefined): RateLimitConfig | undefined {
  if (value === undefined || value === false) return undefined;
  const o = optionGroup(
    value,
    'rateLimit',
    RATE_LIMIT_OPTION_KEYS,
    'an object { perTemplate: { records, intervalMs } }, or false',
  );
  const per = optionGroup(
    o?.perTemplate,
    'rateLimit.perTemplate',
    PER_TEMPLATE_OPTION_KEYS,
    'an object { records, intervalMs }',
  );
  if (per === undefined) {
    throw new InvalidOptionError('rateLimit.perTemplate', undefined, 'an object { records, intervalMs }');
  }
  return Object.freeze({
    records: integer(
      required(per.records, 'rateLimit.perTemplate.records', 'an integer >= 1'),
      'rateLimit.perTemplate.records',
      1,
      1,
    ),
    intervalMs: milliseconds(
      required(per.intervalMs, 'rateLimit.perTemplate.intervalMs', millisecondsForm(1)),
      'rateLimit.perTemplate.intervalMs',
      1,
      1,
    ),
    exemptErrors: boolean(o?.exemptErrors, 'rateLimit.exemptErrors', true),
    maxKeys: integer(o?.maxKeys, 'rateLimit.maxKeys', DEFAULT_RATE_LIMIT_MAX_KEYS, 1),
  });
}
