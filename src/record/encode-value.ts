/**
 * User values → OTLP AnyValue bytes, written straight into the protobuf writer.
 * Whatever a caller passes (cycles, BigInt, throwing getters, Proxies) ends up as a valid
 * value; this module never throws.
 */
import * as F from '../otlp/fields.js';
import { LEN, tag, type Writer } from '../otlp/protobuf.js';

export interface ValueLimits {
  /** Deepest nesting kept; deeper values become `"[Truncated]"`. */
  maxDepth: number;
  /** Longest string kept, in UTF-16 code units; longer ones are cut. */
  maxStringLength: number;
}

export const DEFAULT_VALUE_LIMITS: ValueLimits = { maxDepth: 8, maxStringLength: 16 * 1024 };

const TAG_STRING = tag(F.AnyValue.stringValue, LEN);
const TAG_BOOL = tag(F.AnyValue.boolValue, 0);
const TAG_INT = tag(F.AnyValue.intValue, 0);
const TAG_DOUBLE = tag(F.AnyValue.doubleValue, 1);
const TAG_ARRAY = tag(F.AnyValue.arrayValue, LEN);
const TAG_KVLIST = tag(F.AnyValue.kvlistValue, LEN);
const TAG_BYTES = tag(F.AnyValue.bytesValue, LEN);
const TAG_VALUES = tag(1, LEN); // ArrayValue.values and KeyValueList.values
const TAG_KEY = tag(F.KeyValue.key, LEN);
const TAG_VALUE = tag(F.KeyValue.value, LEN);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Per-record state of the walk: the ancestors (for cycle detection) and whether anything was cut. */
export interface WalkState {
  readonly limits: ValueLimits;
  readonly seen: unknown[];
  truncated: boolean;
}

export function newWalkState(limits: ValueLimits): WalkState {
  return { limits, seen: [], truncated: false };
}

/** Writes `value` as the *contents* of an AnyValue message (caller wrote tag and fork). */
export function writeAnyValue(w: Writer, value: unknown, state: WalkState, depth: number): void {
  switch (typeof value) {
    case 'string':
      writeString(w, value, state);
      return;
    case 'number':
      if (Number.isSafeInteger(value)) w.uint32(TAG_INT).int64(value);
      else w.uint32(TAG_DOUBLE).double(value);
      return;
    case 'boolean':
      w.uint32(TAG_BOOL).bool(value);
      return;
    case 'bigint':
      if (value >= INT64_MIN && value <= INT64_MAX) w.uint32(TAG_INT).int64(value.toString());
      else writeString(w, value.toString(), state);
      return;
    case 'undefined':
      return;
    case 'symbol':
      writeString(w, value.toString(), state);
      return;
    case 'function':
      writeString(w, `[Function ${value.name || 'anonymous'}]`, state);
      return;
  }
  if (value === null) return;
  writeObject(w, value as object, state, depth);
}

function writeString(w: Writer, s: string, state: WalkState): void {
  if (s.length > state.limits.maxStringLength) {
    s = `${s.slice(0, state.limits.maxStringLength)}…[truncated]`;
    state.truncated = true;
  }
  w.uint32(TAG_STRING).string(s);
}

function writeObject(w: Writer, value: object, state: WalkState, depth: number): void {
  if (state.seen.includes(value)) {
    writeString(w, '[Circular]', state);
    return;
  }
  if (depth >= state.limits.maxDepth) {
    state.truncated = true;
    writeString(w, '[Truncated]', state);
    return;
  }
  try {
    if (value instanceof Uint8Array) {
      w.uint32(TAG_BYTES).bytes(value);
      return;
    }
    if (value instanceof Date) {
      writeString(w, Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString(), state);
      return;
    }
    if (value instanceof URL) {
      writeString(w, value.href, state);
      return;
    }
    state.seen.push(value);
    try {
      if (Array.isArray(value) || value instanceof Set) {
        w.uint32(TAG_ARRAY).fork();
        for (const item of value) {
          w.uint32(TAG_VALUES).fork();
          writeAnyValue(w, item, state, depth + 1);
          w.ldelim();
        }
        w.ldelim();
        return;
      }
      w.uint32(TAG_KVLIST).fork();
      if (value instanceof Map) {
        for (const [k, v] of value) writeKeyValue(w, String(k), v, state, depth + 1);
      } else if (value instanceof Error) {
        writeErrorFields(w, value, state, depth + 1);
      } else {
        for (const k of Object.keys(value)) {
          writeKeyValue(w, k, readProperty(value, k), state, depth + 1);
        }
      }
      w.ldelim();
    } finally {
      state.seen.pop();
    }
  } catch {
    // A revoked Proxy or a throwing iterator. The writer may hold a half-written fork; the
    // caller's encodeRecord catches and rewrites the whole value when that happens.
    throw UNSERIALIZABLE;
  }
}

/** Sentinel thrown when a value cannot be walked; callers replace the value by "[Unserializable]". */
export const UNSERIALIZABLE = Symbol('podlog.unserializable');

const THROWING_GETTER = Symbol('podlog.throwingGetter');

function readProperty(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return THROWING_GETTER;
  }
}

/** Writes one KeyValue (tag 1 of its parent list) with `key` and `value`. Skips `undefined`. */
export function writeKeyValue(w: Writer, key: string, value: unknown, state: WalkState, depth: number): void {
  if (value === undefined) return;
  w.uint32(TAG_VALUES).fork();
  w.uint32(TAG_KEY).string(key);
  w.uint32(TAG_VALUE).fork();
  if (value === THROWING_GETTER) writeString(w, '[Unserializable]', state);
  else writeAnyValue(w, value, state, depth);
  w.ldelim();
  w.ldelim();
}

function writeErrorFields(w: Writer, err: Error, state: WalkState, depth: number): void {
  writeKeyValue(w, 'type', safeName(err), state, depth);
  writeKeyValue(w, 'message', String(readProperty(err, 'message') ?? ''), state, depth);
  const stack = readProperty(err, 'stack');
  if (typeof stack === 'string') writeKeyValue(w, 'stacktrace', stack, state, depth);
  for (const k of Object.keys(err)) {
    if (k === 'message' || k === 'stack') continue;
    writeKeyValue(w, k, readProperty(err, k), state, depth);
  }
  const cause = readProperty(err, 'cause');
  if (cause !== undefined) writeKeyValue(w, 'cause', cause, state, depth);
}

function safeName(err: Error): string {
  try {
    return err.constructor?.name || err.name || 'Error';
  } catch {
    return 'Error';
  }
}
