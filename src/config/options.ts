import type { BatchOptions, PipelineOptions } from '../batch/options.js';
import type { DiagSink } from '../diag.js';
import type { ExportOptions } from '../export/options.js';
import type { FacadeOptions } from '../logger/options.js';
import type { RecordOptions } from '../record/options.js';
import type { LevelOrSilent } from '../record/severity.js';
import type { ResourceAttributes } from '../resource/detect.js';
import type { ResourceOptions } from '../resource/options.js';
import type { SpoolOptions } from '../spool/options.js';
import type { RateLimitOptions } from './rate-limit.js';
import type { SamplingOptions, TailOptions } from './tail.js';

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
  /** Batch cutting limits. */
  batch?: BatchOptions;
  /** Disk spool for outages: on with `{ dir }` or `PODLOG_SPOOL_DIR`; `false` turns it off. Default off. */
  spool?: SpoolOptions | false;
  /** Where podlog's own diagnostics go: a function, or `false` for none. Default: stderr, `podlog:` prefix. */
  diagnostics?: DiagSink | false;
  /** Environment to read instead of `process.env` (tests, sandboxes). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The keys {@link LoggerOptions} declares itself (the stages' keys are listed in their
 * `options.ts`). The `satisfies` makes a new option without an entry here a type error.
 */
export const LOGGER_OPTION_KEYS = Object.keys({
  name: true,
  level: true,
  rateLimit: true,
  tail: true,
  sampling: true,
  serviceName: true,
  resource: true,
  batch: true,
  spool: true,
  diagnostics: true,
  env: true,
} satisfies Record<
  Exclude<
    keyof LoggerOptions,
    | keyof ExportOptions
    | keyof ResourceOptions
    | keyof PipelineOptions
    | keyof RecordOptions
    | keyof FacadeOptions
  >,
  true
>);
