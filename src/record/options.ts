/**
 * Options of the record model (value limits, redaction) and of the stdout mirror, resolved
 * and validated once at `createLogger` (called from config/resolve.ts).
 */
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';
import { Redactor, splitPath } from './redact.js';
import { DEFAULT_VALUE_LIMITS, type ValueLimits } from './value-limits.js';

/** Limits applied to every record. */
export interface LimitOptions {
  /** Deepest nesting kept; deeper values become `"[Truncated]"`. 1–64, default 8. */
  maxDepth?: number;
  /** Longest string value kept (UTF-16 code units); longer ones are cut. 16–1048576, default 16384. */
  maxStringLength?: number;
  /** Most attributes per record; the rest count in `dropped_attributes_count`. 1–4096, default 128. */
  maxAttributes?: number;
}

/**
 * Redaction. A string array is shorthand: entries with `.`, `[` or `*` are paths, others keys.
 * `false` turns redaction off entirely.
 */
export type RedactOption =
  | readonly string[]
  | false
  | {
      /** Extra keys to redact at any depth, matched case-insensitively as whole keys. */
      keys?: readonly string[];
      /** Dotted paths from the attribute root, e.g. `req.headers.x-api-key`, `users.*.email`. */
      paths?: readonly string[];
      /** Apply the default secret-key list. Default `true`. */
      defaults?: boolean;
      /** Replacement value. Default `"[REDACTED]"`. */
      censor?: string;
    };

/** Mirror of every record to stdout: one JSON object per line, human-readable lines, or off. */
export type StdoutFormat = 'json' | 'pretty' | false;

export interface RecordOptions {
  limits?: LimitOptions;
  redact?: RedactOption;
  /**
   * Also write each record to stdout. Env: `PODLOG_STDOUT` (`json`, `pretty`, `false`).
   * Default: `false` when an OTLP endpoint is configured (`endpoint` option or
   * `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`), else `'json'`.
   */
  stdout?: StdoutFormat;
}

export interface RecordConfig {
  readonly limits: Readonly<ValueLimits>;
  readonly redactor: Redactor;
  readonly stdout: StdoutFormat;
}

function int(value: unknown, option: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

function stringList(value: unknown, option: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new InvalidOptionError(option, value, 'an array of non-empty strings');
  }
  return [...value];
}

function resolveRedactor(value: unknown): Redactor {
  if (value === undefined) return new Redactor({ defaults: true, keys: [], paths: [] });
  if (value === false) return new Redactor({ defaults: false, keys: [], paths: [] });
  let keys: string[];
  let paths: string[];
  let defaults = true;
  let censor: string | undefined;
  if (Array.isArray(value)) {
    const all = stringList(value, 'redact');
    keys = all.filter((s) => !/[.[*]/.test(s));
    paths = all.filter((s) => /[.[*]/.test(s));
  } else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    keys = stringList(o.keys, 'redact.keys');
    paths = stringList(o.paths, 'redact.paths');
    if (o.defaults !== undefined && typeof o.defaults !== 'boolean') {
      throw new InvalidOptionError('redact.defaults', o.defaults, 'true or false');
    }
    defaults = o.defaults !== false;
    if (o.censor !== undefined && typeof o.censor !== 'string') {
      throw new InvalidOptionError('redact.censor', o.censor, 'a string');
    }
    censor = o.censor as string | undefined;
  } else {
    throw new InvalidOptionError('redact', value, 'an array of keys/paths, an object, or false');
  }
  for (const p of paths) {
    try {
      splitPath(p);
    } catch {
      throw new InvalidOptionError('redact.paths', p, 'dotted paths like req.headers.x-api-key');
    }
  }
  return new Redactor({ defaults, keys, paths, censor });
}

function resolveStdout(value: unknown, env: Env, endpointConfigured: boolean): StdoutFormat {
  const accepted = "'json', 'pretty' or false";
  if (value !== undefined) {
    if (value === 'json' || value === 'pretty' || value === false) return value;
    throw new InvalidOptionError('stdout', value, accepted);
  }
  const fromEnv = env.PODLOG_STDOUT?.trim().toLowerCase();
  if (fromEnv) {
    if (fromEnv === 'json' || fromEnv === 'pretty') return fromEnv;
    if (fromEnv === 'false' || fromEnv === 'off' || fromEnv === 'none') return false;
    throw new InvalidOptionError('PODLOG_STDOUT', env.PODLOG_STDOUT, 'json, pretty or false');
  }
  return endpointConfigured ? false : 'json';
}

/** Validates the record options. `endpointConfigured` decides the stdout default. */
export function resolveRecordOptions(
  options: RecordOptions,
  env: Env,
  endpointConfigured: boolean,
): RecordConfig {
  const l = options.limits;
  if (l !== undefined && (typeof l !== 'object' || l === null)) {
    throw new InvalidOptionError('limits', l, 'an object');
  }
  const limits = Object.freeze({
    maxDepth: int(l?.maxDepth, 'limits.maxDepth', 1, 64, DEFAULT_VALUE_LIMITS.maxDepth),
    maxStringLength: int(
      l?.maxStringLength,
      'limits.maxStringLength',
      16,
      1024 * 1024,
      DEFAULT_VALUE_LIMITS.maxStringLength,
    ),
    maxAttributes: int(l?.maxAttributes, 'limits.maxAttributes', 1, 4096, DEFAULT_VALUE_LIMITS.maxAttributes),
  });
  return Object.freeze({
    limits,
    redactor: resolveRedactor(options.redact),
    stdout: resolveStdout(options.stdout, env, endpointConfigured),
  });
}
