/**
 * Child loggers: the state of `log.child(bindings, options)`. Bindings are encoded once,
 * here, on top of the parent's (after the serializers in force); the scope is shared per name
 * through the core. Also `setBindings`, which re-encodes a logger's bindings in place.
 */

import { resolveMsgPrefix, resolveSerializers, type SerializerSet } from '../config/facade-options.js';
import { encodeBindings } from '../record/encode-bindings.js';
import type { LevelOrSilent } from '../record/severity.js';
import type { Fields } from './call-forms.js';
import { checkLevel } from './logger-level.js';
import { type LoggerState, newLoggerState, nonEmpty, scopeFor } from './logger-state.js';
import { applySerializers, type Serializer } from './serializers.js';

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
export function childState(parent: LoggerState, bindings: Fields, options: ChildOptions = {}): LoggerState {
  const core = parent.core;
  const level = options?.level;
  if (level !== undefined) checkLevel(parent, 'child level', level);
  const name = options?.name;
  const version = typeof options?.version === 'string' ? options.version : '';
  const scope = typeof name === 'string' ? scopeFor(core, name, parent.encodeScope, version) : parent.scope;
  const serializers = resolveSerializers(options?.serializers, 'child serializers', parent.serializers);
  const msgPrefix = parent.msgPrefix + resolveMsgPrefix(options?.msgPrefix, 'child msgPrefix');
  const own = serializeBindings(parent, serializers, bindings);
  const encoded = encodeBindings(own, parent.bindings, core.limits, core.redactor);
  return newLoggerState(
    core,
    scope,
    parent.encodeScope,
    encoded,
    parent,
    level as LevelOrSilent | undefined,
    {
      msgPrefix,
      serializers,
      ownBindings: own,
    },
  );
}

/** `log.setBindings(bindings)`: this logger's bindings with `bindings`' keys added or replaced. */
export function setBindings(state: LoggerState, bindings: Fields): void {
  const own = serializeBindings(state, state.serializers, bindings);
  state.bindings = nonEmpty(encodeBindings(own, state.bindings, state.core.limits, state.core.redactor));
  try {
    state.ownBindings = { ...state.ownBindings, ...own };
  } catch {
    // a hostile Proxy: its encoded bindings (above) are what records carry
  }
}

/**
 * A logger's bindings merged from the root down (a child's key wins), as pino's `bindings()`:
 * the values as given, after serializers (a raw request stays the object it is).
 */
export function bindingsOf(state: LoggerState): Fields {
  const chain: object[] = [];
  for (let s: LoggerState | undefined = state; s !== undefined; s = s.parent) {
    if (s.ownBindings !== undefined) chain.push(s.ownBindings);
  }
  const out: Fields = {};
  for (let i = chain.length - 1; i >= 0; i--) {
    try {
      Object.assign(out, chain[i]);
    } catch {
      // a hostile Proxy given as bindings: nothing readable to return
    }
  }
  return out;
}

/** `bindings` with the serializers in force applied to its keys (a copy only when one applies). */
function serializeBindings(
  state: LoggerState,
  serializers: SerializerSet | undefined,
  bindings: Fields,
): Fields {
  if (serializers === undefined || bindings === null || typeof bindings !== 'object') return bindings;
  try {
    return applySerializers(serializers, bindings, state.core.onError) as Fields;
  } catch (err) {
    state.core.onError(err); // a hostile Proxy: encodeBindings copes with it as given
    return bindings;
  }
}
