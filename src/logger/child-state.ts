/**
 * Child loggers: the state of `log.child(bindings, options)`. Bindings are encoded once,
 * here, on top of the parent's; the scope is shared per name through the core.
 */
import { encodeBindings } from '../record/encode-bindings.js';
import type { LevelOrSilent } from '../record/severity.js';
import type { Fields } from './call-forms.js';
import { checkLevel } from './logger-level.js';
import { type LoggerState, newLoggerState, scopeFor } from './logger-state.js';

/** Options of `Logger.child`. */
export interface ChildOptions {
  /** Instrumentation scope of the child's records. Default: the parent's. */
  name?: string;
  /** Version of the instrumentation scope (with `name`), e.g. an OTel instrumentation's version. */
  version?: string;
  /** The child's own level. Default: follow the parent. */
  level?: LevelOrSilent;
}

/** The state of a child of `parent`. Throws `InvalidOptionError` for an unknown level. */
export function childState(parent: LoggerState, bindings: Fields, options: ChildOptions = {}): LoggerState {
  const core = parent.core;
  const level = options?.level;
  if (level !== undefined) checkLevel('child level', level);
  const name = options?.name;
  const version = typeof options?.version === 'string' ? options.version : '';
  const scope = typeof name === 'string' ? scopeFor(core, name, parent.encodeScope, version) : parent.scope;
  const encoded = encodeBindings(bindings, parent.bindings, core.limits, core.redactor);
  return newLoggerState(core, scope, parent.encodeScope, encoded, parent, level);
}
