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
import { InvalidOptionError } from '../errors.js';
import { type ExportConfig, resolveExportOptions } from '../export/options.js';
import { type RecordConfig, resolveRecordOptions } from '../record/options.js';
import { isLevel, LEVELS, type LevelOrSilent } from '../record/severity.js';
import { type ResourceDetectionConfig, resolveResourceOptions } from '../resource/options.js';
import { resolveSpoolOptions, type SpoolConfig } from '../spool/options.js';
import { parseLevelSpec } from './level-spec.js';
import type { LoggerOptions } from './options.js';
import { type RateLimitConfig, resolveRateLimit } from './rate-limit.js';

export interface Config {
  readonly name: string;
  readonly level: LevelOrSilent;
  /** Levels by logger name, from `PODLOG_LEVEL` entries like `http=debug`. */
  readonly levels: Readonly<Record<string, LevelOrSilent>>;
  /** The log-storm limiter; undefined when off. */
  readonly rateLimit: RateLimitConfig | undefined;
  readonly serviceName: string | undefined;
  readonly resource: Readonly<Record<string, string | number | boolean>>;
  readonly resourceDetection: ResourceDetectionConfig;
  readonly export: ExportConfig;
  readonly batch: BatchConfig;
  /** Value limits, redaction, stdout mirror (record/options.ts). */
  readonly record: RecordConfig;
  readonly pipeline: PipelineConfig;
  /** The disk spool; undefined when off. */
  readonly spool: SpoolConfig | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const LEVEL_CHOICES = `one of ${[...LEVELS, 'silent'].join(', ')}`;

function resolveLevel(value: unknown, option: string): LevelOrSilent {
  if (value === 'silent' || isLevel(value)) return value;
  throw new InvalidOptionError(option, value, LEVEL_CHOICES);
}

export function resolveConfig(options: LoggerOptions = {}): Config {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object (or nothing)');
  }
  const env = options.env ?? process.env;
  // `info,http=debug`: the bare level is the default (the `level` option wins over it); the
  // named entries apply either way, code has no per-logger counterpart but setLevel.
  const spec = env.PODLOG_LEVEL ? parseLevelSpec(env.PODLOG_LEVEL, 'PODLOG_LEVEL') : undefined;
  const level = options.level !== undefined ? resolveLevel(options.level, 'level') : (spec?.base ?? 'info');
  if (options.name !== undefined && typeof options.name !== 'string') {
    throw new InvalidOptionError('name', options.name, 'a string');
  }
  if (
    options.serviceName !== undefined &&
    (typeof options.serviceName !== 'string' || !options.serviceName)
  ) {
    throw new InvalidOptionError('serviceName', options.serviceName, 'a non-empty string');
  }
  return Object.freeze({
    name: options.name ?? '',
    level,
    levels: spec?.named ?? Object.freeze({}),
    rateLimit: resolveRateLimit(options.rateLimit),
    serviceName: options.serviceName,
    resource: Object.freeze({ ...options.resource }),
    resourceDetection: resolveResourceOptions(options, env),
    export: resolveExportOptions(options, env),
    record: resolveRecordOptions(
      options,
      env,
      options.endpoint !== undefined ||
        !!env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ||
        !!env.OTEL_EXPORTER_OTLP_ENDPOINT,
    ),
    batch: resolveBatchOptions(options.batch, env),
    pipeline: resolvePipelineOptions(options, env),
    spool: resolveSpoolOptions(options.spool, env),
    env,
  });
}
