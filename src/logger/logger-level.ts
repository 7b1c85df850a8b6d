/**
 * A logger's level: resolving the level in force (registry override, own level, parent's,
 * base; see level-registry.ts) into a cached numeric threshold, and the setters behind
 * `log.level = …` and `log.setLevel(…)`. Resolution is lazy: a setter bumps the registry's
 * generation and each logger re-resolves on its next call, so a disabled call stays two
 * integer compares.
 */
import { InvalidOptionError } from '../errors.js';
import {
  isLevel,
  LEVELS,
  type Level,
  type LevelOrSilent,
  levelThreshold,
  SEVERITY_NUMBER,
} from '../record/severity.js';
import type { LoggerState } from './logger-state.js';

/** Options of `Logger.setLevel`. */
export interface SetLevelOptions {
  /**
   * Set the level of the loggers with this name (and names below it: `http` covers
   * `http.client`), across every logger of this `createLogger`, instead of this logger's.
   */
  logger?: string;
}

const LEVEL_CHOICES = `one of ${[...LEVELS, 'silent'].join(', ')}`;

/** Throws `InvalidOptionError` (naming `option`) unless `level` is a level or `'silent'`. */
export function checkLevel(option: string, level: unknown): asserts level is LevelOrSilent {
  if (level !== 'silent' && !isLevel(level)) throw new InvalidOptionError(option, level, LEVEL_CHOICES);
}

/** Re-resolves the effective level if anything changed since the last call. */
export function syncLevel(state: LoggerState): void {
  const levels = state.core.levels;
  if (state.generation === levels.generation) return;
  const effective = resolveLevel(state);
  state.effective = effective;
  state.threshold = levelThreshold(effective);
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
 * True when a call at `level` would be recorded: at or above the level, or held by the active
 * request's tail buffer (so `if (log.isLevelEnabled('debug'))` guards keep working with `tail`).
 */
export function isLevelEnabled(state: LoggerState, level: Level): boolean {
  syncLevel(state);
  const n = SEVERITY_NUMBER[level as Level];
  if (n === undefined || n < state.floor) return false;
  return n >= state.threshold || state.core.tail?.current() !== undefined;
}

/** `log.level = level`: the base level on the root logger, the logger's own level on a child. */
export function assignLevel(state: LoggerState, level: LevelOrSilent): void {
  checkLevel('level', level);
  if (state.parent === undefined) state.core.levels.base = level;
  else {
    state.own = level;
    state.core.levels.touch();
  }
}

/** `log.setLevel(level, options)`: see `Logger.setLevel`. */
export function setLevel(state: LoggerState, level: LevelOrSilent | null, options?: SetLevelOptions): void {
  if (level !== null && level !== 'silent' && !isLevel(level)) {
    throw new InvalidOptionError('setLevel level', level, `${LEVEL_CHOICES}, or null`);
  }
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
