/**
 * Options of the record model (value limits, redaction) and of the stdout mirror, resolved
 * and validated once at `createLogger` (called from config/resolve.ts).
 */
import * as opt from '../config/schema.js';
import { optionGroup } from '../config/validate.js';
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';
import { DEFAULT_REDACTOR, NO_REDACTOR, Redactor } from './redact.js';
import { DEFAULT_VALUE_LIMITS, type LimitOptions } from './value-limits.js';

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

/** Options of the record model and the stdout mirror, given at the top level of `createLogger` options. */
export interface RecordOptions {
  /** Size limits applied to every record (depth, string length, attribute count). */
  limits?: LimitOptions;
  /**
   * What to redact before a record leaves the process. Default: the keys of
   * `DEFAULT_REDACT_KEYS` (passwords, tokens, cookies…) at any depth, replaced by `"[REDACTED]"`.
   */
  redact?: RedactOption;
  /**
   * Also write each record to stdout. Env: `PODLOG_STDOUT` (`json`, `pretty`, `false`).
   * Default: `false` when an OTLP endpoint is configured (`endpoint` option or
   * `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`), else `'json'`.
   */
  stdout?: StdoutFormat;
}

type RedactObject = Exclude<RedactOption, false | readonly string[]>;

const LIMIT_OPTIONS = {
  maxDepth: opt.int({ min: 1, max: 64, default: DEFAULT_VALUE_LIMITS.maxDepth }),
  maxStringLength: opt.int({ min: 16, max: 1024 * 1024, default: DEFAULT_VALUE_LIMITS.maxStringLength }),
  maxAttributes: opt.int({ min: 1, max: 4096, default: DEFAULT_VALUE_LIMITS.maxAttributes }),
} satisfies Record<keyof LimitOptions, opt.OptionSpec>;

const REDACT_OPTIONS = {
  keys: opt.strings({ default: [] }),
  paths: opt.strings({ default: [] }),
  defaults: opt.bool({ default: true }),
  censor: opt.custom({ accepts: 'string', defaultText: '`"[REDACTED]"`' }),
} satisfies Record<keyof RedactObject, opt.OptionSpec>;

export const RECORD_OPTIONS = {
  limits: opt.group(LIMIT_OPTIONS, 'an object like { maxDepth, maxStringLength }'),
  redact: opt.custom({
    accepts: 'string[] \\| object \\| `false`',
    defaultText: 'the default secret keys',
    group: REDACT_OPTIONS,
  }),
  stdout: opt.custom({
    accepts: "`'json'` \\| `'pretty'` \\| `false`",
    env: ['PODLOG_STDOUT'],
    defaultText: "`false` with an endpoint configured, else `'json'`",
  }),
} satisfies Record<keyof RecordOptions, opt.OptionSpec>;

function resolveRedactor(value: unknown): Redactor {
  if (value === undefined) return DEFAULT_REDACTOR;
  if (value === false) return NO_REDACTOR;
  let keys: readonly string[];
  let paths: readonly string[];
  let defaults = true;
  let censor: string | undefined;
  if (Array.isArray(value)) {
    const all = REDACT_OPTIONS.keys.check(value, 'redact', {});
    keys = all.filter((s) => !/[.[*]/.test(s));
    paths = all.filter((s) => /[.[*]/.test(s));
  } else if (typeof value === 'object' && value !== null) {
    const o = optionGroup(value, 'redact', Object.keys(REDACT_OPTIONS)) ?? {};
    ({ keys, paths, defaults } = opt.resolveFields(REDACT_OPTIONS, o, 'redact', {}));
    if (o.censor !== undefined && typeof o.censor !== 'string') {
      throw new InvalidOptionError('redact.censor', o.censor, 'a string');
    }
    censor = o.censor;
  } else {
    throw new InvalidOptionError('redact', value, 'an array of keys/paths, an object, or false');
  }
  // A bad path throws here (splitPath), naming `redact.paths`.
  return new Redactor({ defaults, keys, paths, censor });
}

/** `stdout` as given in code (its env var reads more spellings, its default depends on the endpoint). */
const STDOUT = opt.choice<StdoutFormat>(['json', 'pretty', false], {});

function resolveStdout(value: unknown, env: Env, endpointConfigured: boolean): StdoutFormat {
  if (value !== undefined) return STDOUT.check(value, 'stdout', env) as StdoutFormat;
  const fromEnv = env.PODLOG_STDOUT?.trim().toLowerCase();
  if (fromEnv) {
    if (fromEnv === 'json' || fromEnv === 'pretty') return fromEnv;
    if (fromEnv === 'false' || fromEnv === 'off' || fromEnv === 'none') return false;
    throw new InvalidOptionError('PODLOG_STDOUT', env.PODLOG_STDOUT, 'json, pretty or false');
  }
  return endpointConfigured ? false : 'json';
}

/** Validates the record options. `endpointConfigured` decides the stdout default. */
export function resolveRecordOptions(options: RecordOptions, env: Env, endpointConfigured: boolean) {
  const { limits } = opt.resolveFields(RECORD_OPTIONS, options, '', env);
  return Object.freeze({
    limits,
    redactor: resolveRedactor(options.redact),
    stdout: resolveStdout(options.stdout, env, endpointConfigured),
  });
}
