/**
 * Options of tail buffering (`tail`) and trace-based sampling (`sampling`), resolved once at
 * `createLogger`. The buffers and the sampler live in the facade (logger/tail-buffer.ts,
 * logger/trace-context.ts): they decide per call, inside a request context.
 */
import { InvalidOptionError } from '../errors.js';
import { LEVELS, type Level, SEVERITY_NUMBER } from '../record/level-table.js';
import * as opt from './schema.js';

/**
 * Tail buffering: inside a request context, records below the logger's level but at or above
 * `tail.level` are held for the request instead of dropped, and written (with their original
 * times, in order) only when the request fails: a record at `releaseLevel` or above, a 5xx or a
 * thrown error or a slow response (`podlog/http`), or `log.flushContext()`. Otherwise they are
 * discarded when the request ends, and counted in `stats().tail`.
 */
export interface TailOptions {
  /** The lowest level held. Default `debug`. */
  level?: Level;
  /** A record at this level or above releases its request's buffer first. Default `error`. */
  releaseLevel?: Level;
  /** Records held per request; past it the oldest go first (counted `evicted`). Default 200. */
  maxRecords?: number;
  /**
   * Estimated bytes held per request (96 B per call, string arguments by length, 128 B per
   * object argument: objects are held by reference, not walked); past it the oldest go first.
   * Default 64 KiB.
   */
  maxBytes?: number;
  /** Records held across all requests. Default 50,000. */
  maxTotalRecords?: number;
  /**
   * Estimated bytes held across all requests; past it the oldest records of the largest
   * buffers go first. Default 8 MiB (in addition to the pipeline's `queue.maxBytes`).
   */
  maxTotalBytes?: number;
  /** `podlog/http`: a request that takes longer than this (ms) releases its buffer. Default off. */
  slowMs?: number;
}

export const TAIL_OPTIONS = {
  level: opt.choice(LEVELS, { default: 'debug' }),
  releaseLevel: opt.choice(LEVELS, { default: 'error' }),
  maxRecords: opt.int({ min: 1, default: 200 }),
  maxBytes: opt.int({ min: 1024, default: 64 * 1024 }),
  // A total below a per-request bound given alone is raised to it, not refused.
  maxTotalRecords: opt.int({
    min: 1,
    default: (r) => Math.max(50_000, r.maxRecords as number),
    defaultText: '`50000`, at least `maxRecords`',
  }),
  maxTotalBytes: opt.int({
    min: 1024,
    default: (r) => Math.max(8 * 1024 * 1024, r.maxBytes as number),
    defaultText: '`8388608` (8 MiB), at least `maxBytes`',
  }),
  // No default: unset is `undefined`, off.
  slowMs: opt.ms({ min: 1, defaultText: 'off' }) as opt.CheckedSpec<number | undefined>,
} satisfies Record<keyof TailOptions, opt.OptionSpec>;

export type TailConfig = opt.Resolved<typeof TAIL_OPTIONS>;

/** `undefined` or `false`: off; `true`: on with the defaults. Throws `InvalidOptionError` naming the bad field. */
export function resolveTail(value: TailOptions | boolean | undefined): TailConfig | undefined {
  if (value === undefined || value === false) return undefined;
  const c = opt.resolveGroup(
    TAIL_OPTIONS,
    value === true ? undefined : value,
    'tail',
    {},
    "an object like { level: 'debug', maxRecords: 200 }, true, or false",
  );
  if (SEVERITY_NUMBER[c.releaseLevel] <= SEVERITY_NUMBER[c.level]) {
    throw new InvalidOptionError(
      'tail.releaseLevel',
      c.releaseLevel,
      `a level above tail.level (${c.level}): a held record cannot also release`,
    );
  }
  for (const [total, one] of [
    ['maxTotalRecords', 'maxRecords'],
    ['maxTotalBytes', 'maxBytes'],
  ] as const) {
    if (c[total] < c[one])
      throw new InvalidOptionError(`tail.${total}`, c[total], `an integer >= tail.${one} (${c[one]})`);
  }
  return c;
}

/**
 * Trace-based sampling, as the OpenTelemetry Logs SDK's `LoggerConfig.trace_based`: a record
 * written inside a span whose trace is not sampled (trace flags without the sampled bit) is
 * skipped, unless its level is `keepAtOrAbove` or higher. Records outside any span are kept.
 */
export interface SamplingOptions {
  /** The sampling mode; `'trace'` is the only one. */
  mode: 'trace';
  /** Records at this level or above are kept whatever the trace's decision. Default `warn`. */
  keepAtOrAbove?: Level;
}

export const SAMPLING_OPTIONS = {
  mode: opt.choice(['trace'] as const, { required: true }),
  keepAtOrAbove: opt.choice(LEVELS, { default: 'warn' }),
} satisfies Record<keyof SamplingOptions, opt.OptionSpec>;

/** `undefined` or `false`: off; `'trace'`: on with the defaults. Throws `InvalidOptionError` naming the bad field. */
export function resolveSampling(
  value: SamplingOptions | 'trace' | false | undefined,
): opt.Resolved<typeof SAMPLING_OPTIONS> | undefined {
  if (value === undefined || value === false) return undefined;
  return opt.resolveGroup(
    SAMPLING_OPTIONS,
    value === 'trace' ? { mode: 'trace' } : value,
    'sampling',
    {},
    "'trace', { mode: 'trace', keepAtOrAbove: 'warn' }, or false",
  );
}
