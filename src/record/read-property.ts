/**
 * Reading a property of a caller's object without letting a throwing getter (or a revoked
 * Proxy) escape: the encoders read every key through here.
 */
import { UNSERIALIZABLE } from './value-limits.js';

/**
 * Stands for a property whose getter threw. Its `toJSON` makes the value encoder write it as
 * `"[Unserializable]"` with no special case, and callers can compare against it.
 */
export const THROWING_GETTER = { toJSON: () => UNSERIALIZABLE } as const;

/**
 * `obj`'s own enumerable keys with their values read through {@link readProperty}; none for a
 * revoked Proxy. For copying a caller's object that must not make the caller throw.
 */
export function ownEntries(obj: object): [string, unknown][] {
  try {
    return Object.keys(obj).map((key) => [key, readProperty(obj, key)]);
  } catch {
    return [];
  }
}

/** `obj[key]`, or {@link THROWING_GETTER} when reading it threw. */
export function readProperty(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return THROWING_GETTER;
  }
}
