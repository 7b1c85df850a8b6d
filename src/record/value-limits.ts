/**
 * The bounds a record's user values are encoded within (the `limits` option), and the marker
 * strings that take the place of what does not fit or cannot be read.
 */

/** Limits applied to every record. */
export interface LimitOptions {
  /** Deepest nesting kept; deeper values become `"[Truncated]"`. 1–64, default 8. */
  maxDepth?: number;
  /** Longest string value kept (UTF-16 code units); longer ones are cut. 16–1048576, default 16384. */
  maxStringLength?: number;
  /** Most attributes per record; the rest count in `dropped_attributes_count`. 1–4096, default 128. */
  maxAttributes?: number;
}

/** The `limits` option with every bound set. */
export type ValueLimits = Required<LimitOptions>;

export const DEFAULT_VALUE_LIMITS: Readonly<ValueLimits> = Object.freeze({
  maxDepth: 8,
  maxStringLength: 16 * 1024,
  maxAttributes: 128,
});

/**
 * Encoded bytes of user values one record may carry: body, bindings, exception and fields
 * together. Past it, containers stop adding items, strings and bytes become `"[Truncated]"`,
 * bindings that do not fit whole are left out, and the record is marked `podlog.truncated`,
 * so a hostile value (a sparse array of length 2^32-1, a 50 MB Buffer, a million keys) costs
 * bounded time and memory instead of stalling the app. A child's bindings together also stay
 * within one such budget.
 *
 * A record stays under this, plus the one key or string that crossed it (at most
 * 3 × `maxStringLength` + 3 bytes; a string written after the crossing is the marker), plus
 * its own fields (times, severity, ids, the event name, also cut to `maxStringLength`,
 * `podlog.truncated`) and the framing of each level.
 */
export const MAX_VALUE_BYTES = 1024 * 1024;

export const CIRCULAR = '[Circular]';
export const TRUNCATED = '[Truncated]';
export const UNSERIALIZABLE = '[Unserializable]';

/** `s` cut to `max` UTF-16 code units (never inside a surrogate pair) with a `…` marker. */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/** `String(v)`, never throwing. */
export function toText(v: unknown): string {
  try {
    return String(v);
  } catch {
    return UNSERIALIZABLE;
  }
}
