/**
 * The state behind a `Logger`: what all loggers of one `createLogger` share (the core) and what
 * each logger object holds, with what derives it: the level in force and a child's state. The
 * facade's functions (call forms, the write path) take a logger's state, so the `Logger` class
 * itself stays a thin public surface. (This header shows in the published typings, with
 * `ChildOptions`: it names no internal type.)
 *
 * Levels: resolving the level in force (registry override, own level, parent's, base; see
 * levels.ts) into a cached numeric threshold is lazy: a setter bumps the registry's generation
 * and each logger re-resolves on its next call, so a disabled call stays two integer compares.
 *
 * Children: bindings are encoded once, in `childState`, on top of the parent's (after the
 * serializers in force); the scope is shared per name through the core.
 */
import type { RecordSink } from '../batch/types.js';
import {
  type Mixin,
  resolveMsgPrefix,
  resolveSerializers,
  type SerializerSet,
} from '../config/facade-options.js';
import { type EncodedBindings, encodeBindings } from '../record/encode-bindings.js';
import { encodeScope } from '../record/encode-scope.js';
import type { LevelTable } from '../record/level-table.js';
import type { Redactor } from '../record/redact.js';
import type { LevelOrSilent } from '../record/severity.js';
import type { EncodedRecord, EncodedScope } from '../record/types.js';
import type { ValueLimits } from '../record/value-limits.js';
import type { LevelRegistry, RuntimeLevels } from './levels.js';
import type { OtelParts } from './otel-parts.js';
import type { RateLimiter } from './rate-limit.js';
import { applySerializers, type Serializer } from './serializers.js';
import type { TailPool } from './tail-buffer.js';
import type { ActiveSpanContext, TraceSampler } from './trace-context.js';

/** State shared by a logger and all its children. */
export interface LoggerCore {
  readonly sink: RecordSink<EncodedRecord>;
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
  /** The resource of records (`current()`), and the scopes and resources an OpenTelemetry SDK gives. */
  readonly otel: OtelParts;
  /** Tail buffering (`tail` option); undefined when off. */
  readonly tail?: TailPool;
  /** Trace-based sampling (`sampling` option); undefined when off. */
  readonly sampler?: TraceSampler;
  /** Level names (podlog's and `customLevels`) and their thresholds. */
  readonly levelTable: LevelTable;
  /** The `mixin` option; undefined when none. */
  readonly mixin?: Mixin;
  /** The `serializers` option (the root logger's); undefined when none. */
  readonly serializers?: SerializerSet;
  /** The `msgPrefix` option (the root logger's). Default `''`. */
  readonly msgPrefix?: string;
}

/**
 * One logger's state. Every instance comes from {@link newLoggerState}, so the level
 * methods' property loads stay monomorphic on the hot path.
 */
export interface LoggerState {
  readonly core: LoggerCore;
  readonly parent: LoggerState | undefined;
  readonly scope: EncodedScope;
  /** This logger's bindings (its ancestors' included); undefined when there are none. Replaced by `setBindings`. */
  bindings: EncodedBindings | undefined;
  /** This logger's own bindings as given (after serializers), for `Logger.bindings()`. */
  ownBindings: object | undefined;
  /** Message prefix in force (the parent's, then the child's own); `''` for none. */
  readonly msgPrefix: string;
  /** Serializers in force (the parent's, overridden by the child's); undefined when none. */
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
  bindings?: EncodedBindings,
  parent?: LoggerState,
  level?: LevelOrSilent,
  // What a child adds on top of its parent besides level and scope (pino's child options).
  extras?: Pick<LoggerState, 'msgPrefix' | 'serializers' | 'ownBindings'>,
): LoggerState {
  const serializers = extras?.serializers ?? core.serializers;
  return {
    core,
    parent,
    scope,
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

/** Empty bindings are no bindings: the write path then skips them with one compare. */
export function nonEmpty(bindings: EncodedBindings | undefined): EncodedBindings | undefined {
  return bindings !== undefined && bindings.count + bindings.dropped > 0 ? bindings : undefined;
}

/** The encoded scope of logger `name`, encoded on first use. */
export function scopeFor(core: LoggerCore, name: string, version = ''): EncodedScope {
  // One encoded scope per name and version: records of one scope share it, so requests group them.
  const key = version === '' ? name : `${name}\u0000${version}`;
  let scope = core.scopes.get(key);
  if (scope === undefined) {
    scope = encodeScope(name, version);
    core.scopes.set(key, scope);
  }
  return scope;
}

/** Re-resolves the effective level if anything changed since the last call. */
export function syncLevel(state: LoggerState): void {
  const levels = state.core.levels;
  if (state.generation === levels.generation) return;
  const effective = resolveLevel(state);
  state.effective = effective;
  state.threshold = state.core.levelTable.threshold(effective);
  // Tail buffering looks at calls down to its level; `silent` stays silent.
  const tail = state.core.tail;
  state.floor =
    tail !== undefined && effective !== 'silent' ? Math.min(state.threshold, tail.holdFrom) : state.threshold;
  state.generation = levels.generation;
}

/** The level in force for `state`'s logger, brought up to date. */
export function effectiveLevel(state: LoggerState): LevelOrSilent {
  syncLevel(state);
  return state.effective;
}

function resolveLevel(state: LoggerState): LevelOrSilent {
  const override = state.core.levels.override(state.scope.name);
  if (override !== undefined) return override;
  if (state.own !== undefined) return state.own;
  if (state.parent !== undefined) return effectiveLevel(state.parent);
  return state.core.levels.base;
}

/** Options of `Logger.child`. Other keys (pino's, e.g. from pino-http or Fastify) are ignored. */
export interface ChildOptions {
  /** Instrumentation scope of the child's records. Default: the parent's. */
  name?: string;
  /** Version of the instrumentation scope (with `name`), e.g. an OTel instrumentation's version. */
  version?: string;
  /** The child's own level (a custom level name too). Default: follow the parent. */
  level?: LevelOrSilent | (string & {});
  /** Appended to the parent's message prefix (pino's `msgPrefix`). */
  msgPrefix?: string;
  /** Serializers for this child and its children, over the parent's (pino's child `serializers`). */
  serializers?: Record<string, Serializer>;
}

/** The state of a child of `parent`. Throws `InvalidOptionError` for an unknown level or a bad option. */
export function childState(parent: LoggerState, bindings: object, options: ChildOptions = {}): LoggerState {
  const core = parent.core;
  const level = options?.level;
  if (level !== undefined) core.levelTable.check('child level', level);
  const name = options?.name;
  const version = typeof options?.version === 'string' ? options.version : '';
  const scope = typeof name === 'string' ? scopeFor(core, name, version) : parent.scope;
  const serializers = resolveSerializers(options?.serializers, 'child serializers', parent.serializers);
  const msgPrefix = parent.msgPrefix + resolveMsgPrefix(options?.msgPrefix, 'child msgPrefix');
  const own = serializeBindings(parent, serializers, bindings);
  const encoded = encodeBindings(own, parent.bindings, core.limits, core.redactor);
  return newLoggerState(core, scope, encoded, parent, level as LevelOrSilent | undefined, {
    msgPrefix,
    serializers,
    ownBindings: own,
  });
}

/** `log.setBindings(bindings)`: this logger's bindings with `bindings`' keys added or replaced. */
export function setBindings(state: LoggerState, bindings: object): void {
  const own = serializeBindings(state, state.serializers, bindings);
  state.bindings = nonEmpty(encodeBindings(own, state.bindings, state.core.limits, state.core.redactor));
  try {
    state.ownBindings = { ...state.ownBindings, ...own };
  } catch {
    // a hostile Proxy: its encoded bindings (above) are what records carry
  }
}

/** `bindings` with the serializers in force applied to its keys (a copy only when one applies). */
function serializeBindings(
  state: LoggerState,
  serializers: SerializerSet | undefined,
  bindings: object,
): object {
  if (serializers === undefined || bindings === null || typeof bindings !== 'object') return bindings;
  try {
    return applySerializers(serializers, bindings, state.core.onError);
  } catch (err) {
    state.core.onError(err); // a hostile Proxy: encodeBindings copes with it as given
    return bindings;
  }
}
