import { PIPELINE_OPTIONS, type PipelineOptions } from '../batch/options.js';
import type { DiagSink } from '../diag.js';
import type { Env } from '../env.js';
import { EXPORT_OPTIONS, type ExportOptions } from '../export/options.js';
import type { LevelOrSilent } from '../record/level-table.js';
import { RECORD_OPTIONS, type RecordOptions } from '../record/options.js';
import { RESOURCE_OPTIONS, type ResourceOptions } from '../resource/options.js';
import type { ResourceAttributes } from '../resource/types.js';
import { SPOOL_OPTIONS, type SpoolOptions } from '../spool/options.js';
import { FACADE_OPTIONS, type FacadeOptions } from './facade-options.js';
import { RATE_LIMIT_OPTIONS, type RateLimitOptions } from './rate-limit.js';
import * as opt from './schema.js';
import { SAMPLING_OPTIONS, type SamplingOptions, TAIL_OPTIONS, type TailOptions } from './tail.js';

/**
 * Options of {@link createLogger}. Every option is optional; each falls back to its standard
 * env var (`OTEL_*`, `PODLOG_*`), then to a default. Code wins over env.
 */
export interface LoggerOptions
  extends ExportOptions,
    ResourceOptions,
    PipelineOptions,
    RecordOptions,
    FacadeOptions {
  /** Logger name, the instrumentation scope of its records. Default `''`. */
  name?: string;
  /**
   * Minimum level: one of podlog's, `silent`, or a `customLevels` name. Env: `PODLOG_LEVEL`,
   * which may also set named loggers (`info,http=debug,db=warn`). Default `info`.
   */
  level?: LevelOrSilent | (string & {});
  /** Log-storm protection: per-template rate limit. Default off. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Tail buffering: inside a request context, hold records below `level` (down to
   * `tail.level`) and write them only if the request fails. `true` for the defaults. Default off.
   * See docs/tail-buffering.md.
   */
  tail?: TailOptions | boolean;
  /**
   * Trace-based sampling: skip records below `keepAtOrAbove` (default `warn`) written inside
   * a span whose trace is not sampled (OTel `LoggerConfig.trace_based`). Default off.
   */
  sampling?: SamplingOptions | 'trace' | false;
  /** `service.name`. Env: `OTEL_SERVICE_NAME`. Default `unknown_service:node`. */
  serviceName?: string;
  /** Extra resource attributes; they win over everything detected. */
  resource?: ResourceAttributes;
  /** Disk spool for outages: on with `{ dir }` or `PODLOG_SPOOL_DIR`; `false` turns it off. Default off. */
  spool?: SpoolOptions | false;
  /** Where podlog's own diagnostics go: a function, or `false` for none. Default: stderr, `podlog:` prefix. */
  diagnostics?: DiagSink | false;
  /** Environment to read instead of `process.env` (tests, sandboxes). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The options {@link LoggerOptions} declares itself (each stage's are in its `options.ts`). */
export const LOGGER_OPTIONS = {
  name: opt.value<string>({ accepts: 'string', default: '' }, (v) => typeof v === 'string', 'a string'),
  level: opt.custom({
    accepts: 'level \\| `silent` \\| custom level',
    env: ['PODLOG_LEVEL'],
    defaultText: '`info`',
  }),
  rateLimit: opt.custom({ accepts: 'object \\| `false`', defaultText: 'off', group: RATE_LIMIT_OPTIONS }),
  tail: opt.custom({ accepts: 'object \\| `true`', defaultText: 'off', group: TAIL_OPTIONS }),
  sampling: opt.custom({
    accepts: "object \\| `'trace'` \\| `false`",
    defaultText: 'off',
    group: SAMPLING_OPTIONS,
  }),
  // OTEL_SERVICE_NAME is read by the resource stage, where this option wins over it.
  serviceName: opt.str({
    envText: '`OTEL_SERVICE_NAME`',
    defaultText: 'detected, else `unknown_service:node`',
  }),
  resource: opt.custom({ accepts: 'object', defaultText: 'none' }),
  spool: opt.custom({ accepts: 'object \\| `false`', defaultText: 'off', group: SPOOL_OPTIONS }),
  // `true` would be read as "on" but means nothing here: every diagnostic would be lost.
  diagnostics: opt.value<DiagSink | false | undefined>(
    { accepts: 'function \\| `false`', defaultText: 'stderr' },
    (v) => v === false || typeof v === 'function',
    'a function (line, level) => void, or false for none (leave it unset for stderr)',
  ),
  env: opt.value<Env>(
    { accepts: 'object', default: () => process.env, defaultText: '`process.env`' },
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'an object of env var name → string, like process.env',
  ),
} satisfies Record<
  Exclude<
    keyof LoggerOptions,
    keyof (ExportOptions & ResourceOptions & PipelineOptions & RecordOptions & FacadeOptions)
  >,
  opt.OptionSpec
>;

/**
 * Every top-level option of `createLogger`, by stage (the docs tables follow this order). The
 * `satisfies` above and in each stage make an option without a declaration a type error.
 */
export const ALL_OPTIONS: Readonly<Record<string, opt.Schema>> = Object.freeze({
  logger: LOGGER_OPTIONS,
  export: EXPORT_OPTIONS,
  batch: PIPELINE_OPTIONS,
  record: RECORD_OPTIONS,
  resource: RESOURCE_OPTIONS,
  facade: FACADE_OPTIONS,
});
