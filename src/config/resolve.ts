/**
 * Options + env → one frozen, fully-defaulted config, validated once. Nothing downstream
 * reads env vars or re-validates.
 */
import {
  type BatchConfig,
  type PipelineConfig,
  resolveBatchOptions,
  resolvePipelineOptions,
} from '../batch/options.js';
import type { DiagSink } from '../diag.js';
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';
import { EXPORT_OPTIONS, type ExportConfig, resolveExportOptions } from '../export/options.js';
import { type RecordConfig, resolveRecordOptions } from '../record/options.js';
import type { LevelOrSilent } from '../record/severity.js';
import {
  type ResourceDetectionConfig,
  resolveResourceAttributes,
  resolveResourceOptions,
} from '../resource/options.js';
import { resolveSpoolOptions, type SpoolConfig } from '../spool/options.js';
import { type FacadeConfig, resolveFacadeOptions } from './facade-options.js';
import { parseLevelSpec } from './level-spec.js';
import { ALL_OPTIONS, type LoggerOptions } from './options.js';
import { type RateLimitConfig, resolveRateLimit } from './rate-limit.js';
import { keysOf } from './schema.js';
import { resolveSampling, resolveTail, type SamplingConfig, type TailConfig } from './tail.js';
import { envBoolean, nonEmptyString, optionGroup } from './validate.js';

export interface Config {
  readonly name: string;
  readonly level: LevelOrSilent;
  /** Levels by logger name, from `PODLOG_LEVEL` entries like `http=debug`. */
  readonly levels: Readonly<Record<string, LevelOrSilent>>;
  /** The log-storm limiter; undefined when off. */
  readonly rateLimit: RateLimitConfig | undefined;
  /** Tail buffering (`tail`); undefined when off. */
  readonly tail: TailConfig | undefined;
  /** Trace-based sampling (`sampling`); undefined when off. */
  readonly sampling: SamplingConfig | undefined;
  readonly serviceName: string | undefined;
  readonly resource: Readonly<Record<string, string | number | boolean>>;
  readonly resourceDetection: ResourceDetectionConfig;
  readonly export: ExportConfig;
  readonly batch: BatchConfig;
  /** Value limits, redaction, stdout mirror (record/options.ts). */
  readonly record: RecordConfig;
  /** serializers, mixin, msgPrefix, custom levels (config/facade-options.ts). */
  readonly facade: FacadeConfig;
  readonly pipeline: PipelineConfig;
  /** The disk spool; undefined when off. */
  readonly spool: SpoolConfig | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where diagnostics go: a function, `false` for nowhere, undefined for stderr. */
  readonly diagnostics: DiagSink | false | undefined;
  /** `PODLOG_CAPTURE_CONSOLE`: whether `podlog/register` turns `console.*` calls into records. */
  readonly captureConsole: boolean;
  /** One line per deprecated option given, for `createLogger` to print as a diagnostic warning. */
  readonly deprecations: readonly string[];
}

/**
 * Every key `createLogger` accepts: its own and each stage's top-level options. Anything else is
 * a typo and refused (`unknown option X; did you mean Y?`).
 */
export const ALL_LOGGER_OPTION_KEYS: readonly string[] = Object.freeze(
  Object.values(ALL_OPTIONS).flatMap(keysOf),
);

function resolveDiagnostics(value: unknown): DiagSink | false | undefined {
  if (value === undefined || value === false || typeof value === 'function') {
    return value as DiagSink | false | undefined;
  }
  // `true` would be read as "on" but means nothing here: every diagnostic would be lost.
  throw new InvalidOptionError(
    'diagnostics',
    value,
    'a function (line, level) => void, or false for none (leave it unset for stderr)',
  );
}

function resolveEnv(value: unknown): Env {
  if (value === undefined) return process.env;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError('env', value, 'an object of env var name → string, like process.env');
  }
  return value as Readonly<Record<string, string | undefined>>;
}

/**
 * The deprecated options, mapped onto their replacements (which win when both are given), with
 * one warning line each. A deprecated option's value is checked as its replacement's is, under
 * its own name.
 */
function withoutDeprecated(options: LoggerOptions, env: Env, deprecations: string[]): LoggerOptions {
  const out = { ...options };
  const map = (
    option: string,
    value: unknown,
    replacement: 'maxConcurrentRequests' | 'maxRequestBytes',
    why: string,
  ) => {
    if (value === undefined) return;
    const checked = EXPORT_OPTIONS[replacement].check(value, option, env);
    out[replacement] ??= checked;
    deprecations.push(`option ${option} is deprecated and will be removed: use ${replacement} (${why})`);
  };
  map(
    'concurrency',
    options.concurrency,
    'maxConcurrentRequests',
    'it bounds batches and requests in flight',
  );
  map(
    'batch.maxBytes',
    options.batch?.maxBytes,
    'maxRequestBytes',
    'batches are cut at 1 MiB, or at maxRequestBytes when lower',
  );
  return out;
}

export function resolveConfig(given: LoggerOptions = {}): Config {
  optionGroup(given, '', ALL_LOGGER_OPTION_KEYS, 'an object (or nothing)');
  const env = resolveEnv(given.env);
  const deprecations: string[] = [];
  const options = withoutDeprecated(given, env, deprecations);
  const exportConfig = resolveExportOptions(options, env);
  // `info,http=debug`: the bare level is the default (the `level` option wins over it); the
  // named entries apply either way, code has no per-logger counterpart but setLevel.
  const spec = env.PODLOG_LEVEL ? parseLevelSpec(env.PODLOG_LEVEL, 'PODLOG_LEVEL') : undefined;
  const facade = resolveFacadeOptions(options);
  // A custom level is kept as its name; the facade knows its number.
  if (options.level !== undefined) facade.levelTable.check('level', options.level);
  const level = (options.level as LevelOrSilent | undefined) ?? spec?.base ?? 'info';
  if (options.name !== undefined && typeof options.name !== 'string') {
    throw new InvalidOptionError('name', options.name, 'a string');
  }
  const spool = resolveSpoolOptions(options.spool, env);
  return Object.freeze({
    name: options.name ?? '',
    level,
    levels: spec?.named ?? Object.freeze({}),
    rateLimit: resolveRateLimit(options.rateLimit),
    tail: resolveTail(options.tail),
    sampling: resolveSampling(options.sampling),
    serviceName: nonEmptyString(options.serviceName, 'serviceName', undefined),
    resource: resolveResourceAttributes(options.resource),
    resourceDetection: resolveResourceOptions(options, env),
    export: exportConfig,
    record: resolveRecordOptions(
      options,
      env,
      options.endpoint !== undefined ||
        !!env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ||
        !!env.OTEL_EXPORTER_OTLP_ENDPOINT,
    ),
    facade,
    batch: resolveBatchOptions(options.batch, env, exportConfig.maxRequestBytes),
    pipeline: resolvePipelineOptions(options, env, spool !== undefined, exportConfig.maxConcurrentRequests),
    spool,
    env,
    diagnostics: resolveDiagnostics(options.diagnostics),
    captureConsole: envBoolean(env, 'PODLOG_CAPTURE_CONSOLE') ?? false,
    deprecations: Object.freeze(deprecations),
  });
}
