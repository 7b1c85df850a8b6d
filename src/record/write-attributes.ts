/**
 * A record's `LogRecord.attributes`, in order: the child's bindings (pre-encoded bytes, minus
 * keys this call or the request context overrides), the request context's fields (pre-encoded
 * too, minus keys this call overrides), the record-level exception, the call's fields (the first
 * top-level Error among them flattened into `exception.*`), then `podlog.truncated`. The
 * `maxAttributes` limit applies across all of them; what does not fit is counted for
 * `dropped_attributes_count`.
 */
import type { ByteWriter } from './byte-writer.js';
import type { EncodedBindings } from './encode-bindings.js';
import { overBudget, type WalkState, writeErrorAttributes, writeKeyValue } from './encode-value.js';
import { isErrorValue } from './error-entries.js';
import { httpFieldAttributes } from './http-values.js';
import { T_ATTRIBUTE } from './otlp-tags.js';
import { readProperty } from './read-property.js';

/** Attribute set on a record when any value in it was cut (string length or depth). */
export const TRUNCATED_ATTRIBUTE = 'podlog.truncated';

/** Writes all attributes of a record. Returns how many were dropped (for `dropped_attributes_count`). */
export function writeAttributes(
  w: ByteWriter,
  state: WalkState,
  fields: object | undefined,
  exception: Error | undefined,
  bindings: EncodedBindings | undefined,
  context?: EncodedBindings,
): number {
  const room = state.limits.maxAttributes;
  let count = 0;
  let dropped = 0;
  let keys: string[] | undefined;
  if (fields !== undefined && fields !== null) {
    try {
      keys = Object.keys(fields);
    } catch {
      keys = undefined; // revoked Proxy as fields: nothing to read
    }
  }
  if (bindings !== undefined && bindings.count > 0) {
    const { written, overridden } = writeBindings(w, state, bindings, keys, room, context);
    count = written;
    // Overridden bindings are replaced by this call's fields (or the context's), not dropped.
    dropped += bindings.count - written - overridden + bindings.dropped;
    if (bindings.truncated) state.truncated = true;
  }
  if (context !== undefined) {
    const { written, overridden } = writeBindings(w, state, context, keys, room - count, undefined);
    count += written;
    dropped += context.count - written - overridden + context.dropped;
    if (context.truncated) state.truncated = true;
  }
  if (exception !== undefined) {
    state.seen.push(exception);
    const r = writeErrorAttributes(w, T_ATTRIBUTE, exception, state, 0, state.redactor.paths, room - count);
    state.seen.length = 0;
    count += r.written;
    dropped += r.dropped;
  }
  if (keys !== undefined) {
    let flattened = exception !== undefined;
    const paths = state.redactor.paths;
    // The fields object is the root: a value pointing back at it is "[Circular]".
    state.seen.push(fields);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = readProperty(fields as object, key);
      if (value === undefined) continue;
      if (!flattened && isErrorValue(value)) {
        // The first top-level Error becomes the record's exception (OTel semantic conventions).
        flattened = true;
        state.seen.push(value);
        const r = writeErrorAttributes(w, T_ATTRIBUTE, value, state, 0, paths, room - count);
        state.seen.length = 1;
        count += r.written;
        dropped += r.dropped;
        continue;
      }
      if (typeof value === 'object' && value !== null) {
        // `log.info({ req, res })`: a raw request/response becomes semantic-convention attributes.
        const http = httpFieldAttributes(key, value, state.redactor);
        if (http !== undefined) {
          for (const k of Object.keys(http)) {
            if (count >= room || overBudget(w, state)) dropped++;
            else if (writeKeyValue(w, T_ATTRIBUTE, k, http[k], state, 0, paths)) count++;
          }
          continue;
        }
      }
      if (count >= room || overBudget(w, state)) {
        dropped++;
        continue;
      }
      if (writeKeyValue(w, T_ATTRIBUTE, key, value, state, 0, paths)) count++;
    }
  }
  if (state.truncated) writeKeyValue(w, T_ATTRIBUTE, TRUNCATED_ATTRIBUTE, true, state, 0, undefined);
  return dropped;
}

/** What {@link writeBindings} did: bindings written, and bindings left out because fields override them. */
interface BindingsWritten {
  written: number;
  overridden: number;
}

/**
 * Writes the bindings, minus the keys this call's fields (or the request context, `over`) override.
 * They are pre-encoded, so they cannot be cut on the way like a value: a binding is written
 * whole if it fits in what is left of the record's value budget, else left out (counted as
 * dropped, the record marked truncated). Bindings never cross the budget.
 */
function writeBindings(
  w: ByteWriter,
  state: WalkState,
  b: EncodedBindings,
  keys: string[] | undefined,
  room: number,
  over: EncodedBindings | undefined,
): BindingsWritten {
  let anyOverride = false;
  if (keys !== undefined) {
    for (let i = 0; i < keys.length; i++) {
      if (b.index.has(keys[i])) {
        anyOverride = true;
        break;
      }
    }
  }
  if (!anyOverride && over !== undefined) {
    for (let i = 0; i < over.keys.length; i++) {
      if (b.index.has(over.keys[i])) {
        anyOverride = true;
        break;
      }
    }
  }
  // The common case: no override, all fit: one copy of the pre-encoded bytes.
  if (!anyOverride && b.count <= room && w.pos + b.bytes.length <= state.budgetEnd) {
    w.raw(b.bytes);
    return { written: b.count, overridden: 0 };
  }
  let skip: Set<string> | undefined;
  if (keys !== undefined || over !== undefined) {
    skip = new Set(keys);
    if (over !== undefined) for (const k of over.keys) skip.add(k);
  }
  let written = 0;
  let overridden = 0;
  for (let i = 0; i < b.keys.length; i++) {
    if (skip?.has(b.keys[i])) {
      overridden++;
      continue;
    }
    if (written >= room) continue;
    const entry = b.bytes.subarray(b.offsets[i], b.offsets[i + 1]);
    if (w.pos + entry.length > state.budgetEnd) {
      state.truncated = true;
      continue;
    }
    w.raw(entry);
    written++;
  }
  return { written, overridden };
}
