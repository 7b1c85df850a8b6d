/**
 * Options of tail buffering (`tail`) and trace-based sampling (`sampling`), resolved once at
 * `createLogger`. The buffers and the sampler live in the facade (logger/tail-buffer.ts,
 * logger/trace-sampling.ts): they decide per call, inside a request context.
 */
import { InvalidOptionError } from '../errors.js';
import { isLevel, LEVELS, type Level, SEVERITY_NUMBER } from '../record/severity.js';
import { integer, milliseconds, optionGroup } from './validate.js';

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

export interface TailConfig {
  readonly level: Level;
  readonly releaseLevel: Level;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxTotalRecords: number;
  readonly maxTotalBytes: number;
  /** Undefined: off. */
  readonly slowMs: number | undefined;
}

export const TAIL_DEFAULTS = Object.freeze({
  level: 'debug',
  releaseLevel: 'error',
  maxRecords: 200,
  maxBytes: 64 * 1024,
  maxTotalRecords: 50_000,
  maxTotalBytes: 8 * 1024 * 1024,
} as const);

export const TAIL_OPTION_KEYS = Object.keys({
  level: true,
  releaseLevel: true,
  maxRecords: true,
  maxBytes: true,
  maxTotalRecords: true,
  maxTotalBytes: true,
  slowMs: true,
} satisfies Record<keyof TailOptions, true>);

const LEVEL_CHOICES = `one of ${LEVELS.join(', ')}`;

function level(value: unknown, option: string, fallback: Level): Level {
  if (value === undefined) return fallback;
  if (!isLevel(value)) throw new InvalidOptionError(option, value, LEVEL_CHOICES);
  return value;
}

/** `undefined` or `false`: off; `true`: on with the defaults. Throws `InvalidOptionError` naming the bad field. */
export function resolveTail(value: TailOptions | boolean | undefined): TailConfig | undefined {
  if (value === undefined || value === false) return undefined;
  const o =
    value === true
      ? {}
      : optionGroup(
          value,
          'tail',
          TAIL_OPTION_KEYS,
          "an object like { level: 'debug', maxRecords: 200 }, true, or false",
        );
  const d = TAIL_DEFAULTS;
  const held = level(o?.level, 'tail.level', d.level);
  const releaseLevel = level(o?.releaseLevel, 'tail.releaseLevel', d.releaseLevel);
  if (SEVERITY_NUMBER[releaseLevel] <= SEVERITY_NUMBER[held]) {
    throw new InvalidOptionError(
      'tail.releaseLevel',
      releaseLevel,
      `a level above tail.level (${held}): a held record cannot also release`,
    );
  }
  const maxRecords = integer(o?.maxRecords, 'tail.maxRecords', d.maxRecords, 1);
  const maxBytes = integer(o?.maxBytes, 'tail.maxBytes', d.maxBytes, 1024);
  const maxTotalRecords = integer(
    o?.maxTotalRecords,
    'tail.maxTotalRecords',
    Math.max(d.maxTotalRecords, maxRecords),
    1,
  );
  const maxTotalBytes = integer(
    o?.maxTotalBytes,
    'tail.maxTotalBytes',
    Math.max(d.maxTotalBytes, maxBytes),
    1024,
  );
  if (maxTotalRecords < maxRecords) {
    throw new InvalidOptionError(
      'tail.maxTotalRecords',
      maxTotalRecords,
      `an integer >= tail.maxRecords (${maxRecords})`,
    );
  }
  if (maxTotalBytes < maxBytes) {
    throw new InvalidOptionError(
      'tail.maxTotalBytes',
      maxTotalBytes,
      `an integer >= tail.maxBytes (${maxBytes})`,
    );
  }
  return Object.freeze({
    level: held,
    releaseLevel,
    maxRecords,
    maxBytes,
    maxTotalRecords,
    maxTotalBytes,
    slowMs: o?.slowMs === undefined ? undefined : milliseconds(o.slowMs, 'tail.slowMs', 0, 1),
  });
}

/**
 * Trace-based sampling, as the OpenTelemetry Logs SDK's `LoggerConfig.trace_based`: a record
 * written inside a span whose trace is not sampled (trace flags without the sampled bit) is
 * skipped, unless its level is `keepAtOrAbove` or higher. Records outside any span are kept.
 */
export interface SamplingOptions {
  mode: 'trace';
  /** Records at this level or above are kept whatever the trace's decision. Default `warn`. */
  keepAtOrAbove?: Level;
}

export interface SamplingConfig {
  /** Severity number from which records are kept in unsampled traces. */
  readonly keepFrom: number;
}

export const SAMPLING_OPTION_KEYS = Object.keys({
  mode: true,
  keepAtOrAbove: true,
} satisfies Record<keyof SamplingOptions, true>);

const SAMPLING_FORM = "'trace', { mode: 'trace', keepAtOrAbove: 'warn' }, or false";

/** `undefined` or `false`: off. Throws `InvalidOptionError` naming the bad field. */
export function resolveSampling(
  value: SamplingOptions | 'trace' | false | undefined,
): SamplingConfig | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === 'trace') return Object.freeze({ keepFrom: SEVERITY_NUMBER.warn });
  if (typeof value === 'string') throw new InvalidOptionError('sampling', value, SAMPLING_FORM);
  const o = optionGroup(value, 'sampling', SAMPLING_OPTION_KEYS, SAMPLING_FORM);
  if (o?.mode !== 'trace') throw new InvalidOptionError('sampling.mode', o?.mode, "'trace' (required)");
  return Object.freeze({
    keepFrom: SEVERITY_NUMBER[level(o.keepAtOrAbove, 'sampling.keepAtOrAbove', 'warn')],
  });
}
