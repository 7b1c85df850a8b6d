/**
 * A logger's level: resolving the level in force (registry override, own level, parent's,
 * base; see levels.ts) into a cached numeric threshold, and the setters behind
 * `log.level = …` and `log.setLevel(…)`. Resolution is lazy: a setter bumps the registry's
 * generation and each logger re-resolves on its next call, so a disabled call stays two
 * integer compares.
 */
import { InvalidOptionError } from '../errors.js';
import type { LevelOrSilent } from '../record/severity.js';
import { type LoggerState, levelTableOf } from './logger-state.js';

/** Options of `Logger.setLevel`. */
export interface SetLevelOptions {
  /**
   * Set the level of the loggers with this name (and names below it: `http` covers
   * `http.client`), across every logger of this `createLogger`, instead of this logger's.
   */
  logger?: string;
}

/**
 * Throws `InvalidOptionError` (naming `option`) unless `level` is a level of `state`'s logger
 * (podlog's, a custom level) or `'silent'`.
 */
export function checkLevel(
  state: LoggerState,
  option: string,
  level: unknown,
): asserts level is LevelOrSilent {
  levelTableOf(state.core).check(option, level);
}

/** Re-resolves the effective level if anything changed since the last call. */
export function syncLevel(state: LoggerState): void {
  const levels = state.core.levels;
  if (state.generation === levels.generation) return;
  const effective = resolveLevel(state);
  state.effective = effective;
  state.threshold = levelTableOf(state.core).threshold(effective);
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

/**
 * True when a call at `level` (a level name, custom ones included) would be recorded: at or
 * above the level, or held by the active request's tail buffer (so `if
 * (log.isLevelEnabled('debug'))` guards keep working with `tail`).
 */
export function isLevelEnabled(state: LoggerState, level: string): boolean {
  syncLevel(state);
  const n = typeof level === 'string' ? levelTableOf(state.core).severityOf(level) : undefined;
  if (n === undefined || n < state.floor) return false;
  return n >= state.threshold || state.core.tail?.current() !== undefined;
}

/** `log.level = level`: the base level on the root logger, the logger's own level on a child. */
export function assignLevel(state: LoggerState, level: LevelOrSilent): void {
  checkLevel(state, 'level', level);
  if (state.parent === undefined) state.core.levels.base = level;
  else {
    state.own = level;
    state.core.levels.touch();
  }
}

/** `log.setLevel(level, options)`: see `Logger.setLevel`. */
export function setLevel(state: LoggerState, level: LevelOrSilent | null, options?: SetLevelOptions): void {
  if (level !== null) levelTableOf(state.core).check('setLevel level', level, ', or null');
  const core = state.core;
  const name = options?.logger;
  if (name !== undefined) {
    if (typeof name !== 'string' || name === '') {
      throw new InvalidOptionError('setLevel logger', name, 'a non-empty logger name');
    }
    if (core.runtime !== undefined) core.runtime.setNamed(name, level);
    else core.levels.setOverride(name, level ?? undefined);
  } else if (state.parent !== undefined) {
    state.own = level ?? undefined;
    core.levels.touch();
  } else if (core.runtime !== undefined) core.runtime.setBase(level);
  else if (level !== null) core.levels.base = level;
}
