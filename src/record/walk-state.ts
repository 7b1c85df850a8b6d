/**
 * Per-record state of the value walk: the limits and redactor in force, the ancestors on the
 * current path (cycle detection) and the record's value budget. One instance is reused
 * across records; {@link resetWalk} before each.
 */
import type { ByteWriter } from './byte-writer.js';
import { DEFAULT_REDACTOR, type Redactor } from './redact.js';
import { DEFAULT_VALUE_LIMITS, MAX_VALUE_BYTES, type ValueLimits } from './value-limits.js';

export interface WalkState {
  limits: ValueLimits;
  redactor: Redactor;
  /** Ancestors of the current value, for cycle detection. */
  readonly seen: unknown[];
  /** Something was cut (string, depth); the record gets `podlog.truncated: true`. */
  truncated: boolean;
  /** Writer position past which no more values are written ({@link MAX_VALUE_BYTES}). */
  budgetEnd: number;
}

/** True (and marks the record) once the value budget of the record is spent. */
export function overBudget(w: ByteWriter, state: WalkState): boolean {
  if (w.pos <= state.budgetEnd) return false;
  state.truncated = true;
  return true;
}

export function newWalkState(
  limits: ValueLimits = DEFAULT_VALUE_LIMITS,
  redactor: Redactor = DEFAULT_REDACTOR,
): WalkState {
  return { limits, redactor, seen: [], truncated: false, budgetEnd: MAX_VALUE_BYTES };
}

export function resetWalk(state: WalkState, limits: ValueLimits, redactor: Redactor): void {
  state.limits = limits;
  state.redactor = redactor;
  const seen = state.seen as unknown[];
  while (seen.length !== 0) seen.pop();
  state.truncated = false;
}
