/**
 * Options + env → one frozen, fully-defaulted config, validated once. Nothing downstream
 * reads env vars or re-validates.
 */
import { resolveBatchOptions, resolvePipelineOptions } from '../batch/options.js';
import { type Env, envBoolean, firstEnv, otlpEnv } from '../env.js';
import { EXPORT_OPTIONS, resolveExportOptions } from '../export/options.js';
import type { LevelOrSilent } from '../record/level-table.js';
import { resolveRecordOptions } from '../record/options.js';
import { resolveResourceAttributes, resolveResourceOptions } from '../resource/options.js';
import { resolveSpoolOptions } from '../spool/options.js';
import { resolveFacadeOptions } from './facade-options.js';
import { parseLevelSpec } from './level-spec.js';
import { ALL_OPTIONS, LOGGER_OPTIONS, type LoggerOptions } from './options.js';
import { resolveRateLimit } from './rate-limit.js';
import { resolveFields } from './schema.js';
import { resolveSampling, resolveTail } from './tail.js';
import { optionGroup } from './validate.js';

/**
 * Every key `createLogger` accepts: its own and each stage's top-level options. Anything else is
 * a typo and refused (`unknown option X; did you mean Y?`).
 */
export const ALL_LOGGER_OPTION_KEYS: readonly string[] = Object.freeze(
  Object.values(ALL_OPTIONS).flatMap(Object.keys),
);

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

/** A resolved config: what {@link resolveConfig} returns. */
export type Config = ReturnType<typeof resolveConfig>;

export function resolveConfig(given: LoggerOptions = {}) {
  optionGroup(given, '', ALL_LOGGER_OPTION_KEYS, 'an object (or nothing)');
  // The logger's own options read no env var: PODLOG_LEVEL is read below, OTEL_SERVICE_NAME by the
  // resource stage. So they resolve first, and give the env every other stage reads.
  const own = resolveFields(LOGGER_OPTIONS, given, '', {});
  const env = own.env;
  const deprecations: string[] = [];
  const options = withoutDeprecated(given, env, deprecations);
  const exportConfig = resolveExportOptions(options, env);
  // `info,http=debug`: the bare level is the default (the `level` option wins over it); the
  // named entries apply either way, code has no per-logger counterpart but setLevel.
  const spec = parseLevelSpec(env.PODLOG_LEVEL ?? '', 'PODLOG_LEVEL');
  const facade = resolveFacadeOptions(options);
  // A custom level is kept as its name; the facade knows its number.
  if (options.level !== undefined) facade.levelTable.check('level', options.level);
  const spool = resolveSpoolOptions(options.spool, env);
  return Object.freeze({
    name: own.name,
    level: (options.level as LevelOrSilent | undefined) ?? spec.base ?? 'info',
    /** Levels by logger name, from `PODLOG_LEVEL` entries like `http=debug`. */
    levels: spec.named,
    /** The log-storm limiter; undefined when off. */
    rateLimit: resolveRateLimit(options.rateLimit),
    /** Tail buffering (`tail`); undefined when off. */
    tail: resolveTail(options.tail),
    /** Trace-based sampling (`sampling`); undefined when off. */
    sampling: resolveSampling(options.sampling),
    serviceName: own.serviceName,
    resource: resolveResourceAttributes(options.resource),
    resourceDetection: resolveResourceOptions(options, env),
    export: exportConfig,
    /** Value limits, redaction, stdout mirror (record/options.ts). */
    record: resolveRecordOptions(
      options,
      env,
      options.endpoint !== undefined || firstEnv(env, otlpEnv('ENDPOINT')) !== undefined,
    ),
    /** serializers, mixin, msgPrefix, custom levels (config/facade-options.ts). */
    facade,
    batch: resolveBatchOptions(options.batch, env, exportConfig.maxRequestBytes),
    pipeline: resolvePipelineOptions(options, env, spool !== undefined, exportConfig.maxConcurrentRequests),
    /** The disk spool; undefined when off. */
    spool,
    env,
    /** Where diagnostics go: a function, `false` for nowhere, undefined for stderr. */
    diagnostics: own.diagnostics,
    /** `PODLOG_CAPTURE_CONSOLE`: whether `podlog/register` turns `console.*` calls into records. */
    captureConsole: envBoolean(env, 'PODLOG_CAPTURE_CONSOLE') ?? false,
    /** One line per deprecated option given, for `createLogger` to print as a diagnostic warning. */
    deprecations: Object.freeze(deprecations) as readonly string[],
  });
}
