/**
 * The state behind a {@link Logger}: what all loggers of one `createLogger` share
 * ({@link LoggerCore}) and what each logger object holds ({@link LoggerState}). The facade's
 * functions (level resolution, call forms, the write path) take a `LoggerState`, so the
 * `Logger` class itself stays a thin public surface over one.
 */
import type { RecordSink } from '../batch/types.js';
import type { Mixin, SerializerSet } from '../config/facade-options.js';
import type { EncodedBindings } from '../record/encode-bindings.js';
import { DEFAULT_LEVEL_TABLE, type LevelTable } from '../record/level-table.js';
import type { Redactor } from '../record/redact.js';
import type { LevelOrSilent } from '../record/severity.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../record/types.js';
import type { ValueLimits } from '../record/value-limits.js';
import type { LevelRegistry, RuntimeLevels } from './levels.js';
import type { OtelParts } from './otel-parts.js';
import type { RateLimiter } from './rate-limit.js';
import type { TailPool } from './tail-buffer.js';
import type { ActiveSpanContext } from './trace-context.js';
import type { TraceSampler } from './trace-sampling.js';

/** State shared by a logger and all its children. */
export interface LoggerCore {
  readonly sink: RecordSink<EncodedRecord>;
  readonly resource: () => EncodedResource;
  readonly onError: (err: unknown) => void;
  readonly levels: LevelRegistry;
  readonly limits: Readonly<ValueLimits>;
  readonly redactor: Redactor;
  readonly spanContext: ActiveSpanContext;
  /** Encoded scopes by logger name: one per name, so records of one name group together. */
  readonly scopes: Map<string, EncodedScope>;
  /** The log-storm limiter (`rateLimit` option); undefined when off. */
  readonly limiter?: RateLimiter;
  /** Run-time level control behind `Logger.setLevel`; without it, setLevel sets the registry directly. */
  readonly runtime?: RuntimeLevels;
  /** Scopes and resources given by an OpenTelemetry SDK; without it, foreign records use the logger's. */
  readonly otel?: OtelParts;
  /** Tail buffering (`tail` option); undefined when off. */
  readonly tail?: TailPool;
  /** Trace-based sampling (`sampling` option); undefined when off. */
  readonly sampler?: TraceSampler;
  /** Level names (podlog's and `customLevels`) and their thresholds. Default: podlog's six. */
  readonly levelTable?: LevelTable;
  /** The `mixin` option; undefined when none. */
  readonly mixin?: Mixin;
  /** The `serializers` option (the root logger's); undefined when none. */
  readonly serializers?: SerializerSet;
  /** The `msgPrefix` option (the root logger's). Default `''`. */
  readonly msgPrefix?: string;
}

/** What a logger adds on top of its parent besides level and scope (pino's child options). */
export interface StateExtras {
  /** The message prefix in force (the parent's, then the child's own). */
  readonly msgPrefix: string;
  /** Serializers in force (the parent's, overridden by the child's). */
  readonly serializers: SerializerSet | undefined;
  /** This logger's own bindings as given (after serializers), for `Logger.bindings()`. */
  readonly ownBindings: object | undefined;
}

/**
 * One logger's state. Every instance comes from {@link newLoggerState}, so the level
 * methods' property loads stay monomorphic on the hot path.
 */
export interface LoggerState {
  readonly core: LoggerCore;
  readonly parent: LoggerState | undefined;
  readonly scope: EncodedScope;
  readonly encodeScope: (name: string, version?: string) => EncodedScope;
  /** This logger's bindings (its ancestors' included); undefined when there are none. Replaced by `setBindings`. */
  bindings: EncodedBindings | undefined;
  /** This logger's own bindings as given (after serializers); see {@link StateExtras}. */
  ownBindings: object | undefined;
  /** Message prefix in force; `''` for none. */
  readonly msgPrefix: string;
  /** Serializers in force; undefined when none. */
  readonly serializers: SerializerSet | undefined;
  /** True when calls need `mixin` or `serializers` applied (one load on the hot path). */
  readonly fieldHooks: boolean;
  /** The `Logger` object of this state (what `mixin` receives as its third argument). */
  logger: unknown;
  /** Level set on this logger, if any (see levels.ts for precedence). */
  own: LevelOrSilent | undefined;
  /** The level in force, as of {@link generation}. */
  effective: LevelOrSilent;
  /** Lowest severity number recorded, as of {@link generation}. */
  threshold: number;
  /**
   * Lowest severity number that needs a look, as of {@link generation}: {@link threshold},
   * or the tail level when tail buffering holds calls below the level (see log-methods.ts).
   */
  floor: number;
  /** The registry generation `effective`/`threshold` were resolved at; -1: never. */
  generation: number;
}

export function newLoggerState(
  core: LoggerCore,
  scope: EncodedScope,
  encodeScope: (name: string, version?: string) => EncodedScope,
  bindings?: EncodedBindings,
  parent?: LoggerState,
  level?: LevelOrSilent,
  extras?: StateExtras,
): LoggerState {
  const serializers = extras?.serializers ?? core.serializers;
  return {
    core,
    parent,
    scope,
    encodeScope,
    bindings: nonEmpty(bindings),
    ownBindings: extras?.ownBindings,
    msgPrefix: extras?.msgPrefix ?? core.msgPrefix ?? '',
    serializers,
    fieldHooks: serializers !== undefined || core.mixin !== undefined,
    logger: undefined,
    own: level,
    effective: 'info',
    threshold: 0,
    floor: 0,
    generation: -1,
  };
}

/** The level table of `core`: its `customLevels`, or podlog's six. */
export function levelTableOf(core: LoggerCore): LevelTable {
  return core.levelTable ?? DEFAULT_LEVEL_TABLE;
}

/** Empty bindings are no bindings: the write path then skips them with one compare. */
export function nonEmpty(bindings: EncodedBindings | undefined): EncodedBindings | undefined {
  return bindings !== undefined && bindings.count + bindings.dropped > 0 ? bindings : undefined;
}

/** The encoded scope of logger `name`, encoded on first use. */
export function scopeFor(
  core: LoggerCore,
  name: string,
  encode: (name: string, version?: string) => EncodedScope,
  version = '',
): EncodedScope {
  // One encoded scope per name and version: records of one scope share it, so requests group them.
  const key = version === '' ? name : `${name}\u0000${version}`;
  let scope = core.scopes.get(key);
  if (scope === undefined) {
    scope = encode(name, version);
    core.scopes.set(key, scope);
  }
  return scope;
}
