/**
 * The bounds a record's user values are encoded within, and the marker strings that take
 * the place of what does not fit or cannot be read.
 */

export interface ValueLimits {
  /** Deepest nesting kept; deeper values become `"[Truncated]"`. Default 8. */
  maxDepth: number;
  /** Longest string kept, in UTF-16 code units; longer ones are cut. Default 16384. */
  maxStringLength: number;
  /** Most attributes on one record; the rest are counted in `dropped_attributes_count`. Default 128. */
  maxAttributes: number;
}

export const DEFAULT_VALUE_LIMITS: Readonly<ValueLimits> = Object.freeze({
  maxDepth: 8,
  maxStringLength: 16 * 1024,
  maxAttributes: 128,
});

/**
 * Encoded bytes of user values one record may carry. Past it, containers stop adding items,
 * strings and bytes become `"[Truncated]"` and the record is marked `podlog.truncated`, so a
 * hostile value (a sparse array of length 2^32-1, a 50 MB Buffer, a million keys) costs bounded
 * time and memory instead of stalling the app. A record stays under this plus one string.
 */
export const MAX_VALUE_BYTES = 1024 * 1024;

export const CIRCULAR = '[Circular]';
export const TRUNCATED = '[Truncated]';
export const UNSERIALIZABLE = '[Unserializable]';
