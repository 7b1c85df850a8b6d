/**
 * User values → OTLP AnyValue bytes, written straight into a {@link ByteWriter}: the
 * recursive walk over containers (arrays, sets, maps, plain objects, `toJSON` results,
 * nested Errors) with cycle detection, the depth limit and the record's value budget
 * ({@link WalkState}), and the leaves (strings cut to `maxStringLength` without splitting a
 * surrogate pair, byte arrays, BigInts, Date/URL/RegExp as one string, the
 * `"[Unserializable]"` stand-ins). An Error's entries are in error-entries.ts.
 *
 * Whatever a caller passes (cycles, BigInt, throwing getters, revoked Proxies, throwing
 * `toJSON`) ends up as a valid value; nothing here throws to the caller. A value that throws
 * half-way is rolled back (the writer's whole state is `pos`) and written as `"[Unserializable]"`.
 */
import type { ByteWriter } from './byte-writer.js';
import { forEachErrorEntry, isError } from './error-entries.js';
import { httpValueOf, redactQuery } from './http-values.js';
import {
  T_ARRAY,
  T_BOOL,
  T_BYTES,
  T_DOUBLE,
  T_INT,
  T_KEY,
  T_KVLIST,
  T_STRING,
  T_VALUE,
  T_VALUES,
} from './otlp-tags.js';
import { readProperty } from './read-property.js';
import { DEFAULT_REDACTOR, KEY_CENSOR, KEY_URL, type PathNode, type Redactor, stepPath } from './redact.js';
import {
  CIRCULAR,
  cutText,
  DEFAULT_VALUE_LIMITS,
  MAX_VALUE_BYTES,
  TRUNCATED,
  UNSERIALIZABLE,
  type ValueLimits,
} from './value-limits.js';

// ---- Walk state -----------------------------------------------------------------------------
// Per record: the limits and redactor in force, the ancestors on the current path
// (cycle detection) and the record's value budget. One instance is reused across records;
// resetWalk before each.

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

/**
 * Writes one KeyValue message under `tagByte` (`0x0a` inside a list, `0x32` for
 * LogRecord.attributes). `node` is the redaction-path trie node of the parent.
 * Never throws; `undefined` values are skipped (returns false).
 */
export function writeKeyValue(
  w: ByteWriter,
  tagByte: number,
  key: string,
  value: unknown,
  state: WalkState,
  depth: number,
  node: PathNode | undefined,
): boolean {
  if (value === undefined) return false;
  w.byte(tagByte);
  const kv = w.begin();
  w.byte(T_KEY);
  w.string(key.length > state.limits.maxStringLength ? cutString(key, state) : key);
  const next = node === undefined ? undefined : stepPath(node, key);
  const verdict = state.redactor.hasKeyRules ? state.redactor.verdict(key) : 0;
  writeValueField(w, T_VALUE, value, state, depth, next, verdict);
  w.end(kv);
  return true;
}

/**
 * Writes an Error's exception entries (see error-entries.ts) as KeyValues under `tagByte`.
 * Writes at most `room` entries and reports how many were written and how many did not fit.
 */
export function writeErrorAttributes(
  w: ByteWriter,
  tagByte: number,
  err: Error,
  state: WalkState,
  depth: number,
  node: PathNode | undefined,
  room: number,
): { written: number; dropped: number } {
  let written = 0;
  let dropped = 0;
  forEachErrorEntry(err, (key, value) => {
    if (value === undefined) return;
    if (written >= room || overBudget(w, state)) {
      dropped++;
      return;
    }
    if (writeKeyValue(w, tagByte, key, value, state, depth, node)) written++;
  });
  return { written, dropped };
}

/** Writes the fields of an AnyValue message for `value`. May throw (callers roll back). */
function writeValue(
  w: ByteWriter,
  value: unknown,
  state: WalkState,
  depth: number,
  node: PathNode | undefined,
): void {
  switch (typeof value) {
    case 'string':
      writeString(w, value, state);
      return;
    case 'number':
      if (Number.isSafeInteger(value)) {
        w.byte(T_INT);
        w.int64(value);
      } else {
        w.byte(T_DOUBLE);
        w.double(value);
      }
      return;
    case 'boolean':
      w.byte(T_BOOL);
      w.byte(value ? 1 : 0);
      return;
    case 'bigint':
      writeBigInt(w, value, state);
      return;
    case 'undefined':
      return;
    case 'symbol':
      writeString(w, value.toString(), state);
      return;
    case 'function':
      writeString(
        w,
        `[Function ${typeof value.name === 'string' && value.name ? value.name : 'anonymous'}]`,
        state,
      );
      return;
  }
  if (value === null) return;
  writeObject(w, value as object, state, depth, node);
}

function writeObject(
  w: ByteWriter,
  value: object,
  state: WalkState,
  depth: number,
  node: PathNode | undefined,
): void {
  if (state.seen.includes(value)) {
    writeString(w, CIRCULAR, state);
    return;
  }
  if (writeLeafObject(w, value, state)) return;
  if (depth >= state.limits.maxDepth) {
    state.truncated = true;
    writeString(w, TRUNCATED, state);
    return;
  }
  state.seen.push(value);
  if (Array.isArray(value) || value instanceof Set || ArrayBuffer.isView(value)) {
    w.byte(T_ARRAY);
    const start = w.begin();
    let i = 0;
    for (const item of value as Iterable<unknown>) {
      if (overBudget(w, state)) break;
      const child = node === undefined ? undefined : stepPath(node, String(i));
      writeValueField(w, T_VALUES, item, state, depth + 1, child);
      i++;
    }
    w.end(start);
  } else if (isError(value)) {
    w.byte(T_KVLIST);
    const start = w.begin();
    writeErrorAttributes(w, T_VALUES, value, state, depth + 1, node, Number.POSITIVE_INFINITY);
    w.end(start);
  } else if (value instanceof Map) {
    w.byte(T_KVLIST);
    const start = w.begin();
    for (const [k, v] of value) {
      if (overBudget(w, state)) break;
      writeKeyValue(w, T_VALUES, String(k), v, state, depth + 1, node);
    }
    w.end(start);
  } else {
    // Class instances only (a plain object costs one prototype load): HTTP requests,
    // responses, sockets and emitters are written as a compact shape, never walked.
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const http = httpValueOf(value, state.redactor);
      if (http !== undefined) {
        if (typeof http === 'string') writeString(w, http, state);
        else writeKvlist(w, http, state, depth, node);
        state.seen.pop();
        return;
      }
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      state.seen.pop();
      writeJsonable(w, toJSON.call(value), state, depth, node);
      return;
    }
    writeKvlist(w, value, state, depth, node);
  }
  state.seen.pop();
}

/** The result of `toJSON()`: encoded like any value, but its own `toJSON` is not called again. */
function writeJsonable(
  w: ByteWriter,
  value: unknown,
  state: WalkState,
  depth: number,
  node: PathNode | undefined,
): void {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  ) {
    writeValue(w, value, state, depth, node);
    return;
  }
  if (state.seen.includes(value)) {
    writeString(w, CIRCULAR, state);
    return;
  }
  state.seen.push(value);
  writeKvlist(w, value, state, depth, node);
  state.seen.pop();
}

/**
 * An object's own enumerable keys as a `kvlist_value`, stopping at the value budget. The
 * caller has already pushed `value` on `state.seen` (cycle detection) and pops it after.
 */
function writeKvlist(
  w: ByteWriter,
  value: object,
  state: WalkState,
  depth: number,
  node: PathNode | undefined,
): void {
  w.byte(T_KVLIST);
  const start = w.begin();
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (overBudget(w, state)) break;
    const k = keys[i];
    writeKeyValue(w, T_VALUES, k, readProperty(value, k), state, depth + 1, node);
  }
  w.end(start);
}

/**
 * Writes `value` as an AnyValue message under `tagByte` (an array item, a KeyValue's value, a
 * LogRecord body): the censor instead when `node` is a redacted path's end or the key's
 * `verdict` says so (see {@link Redactor.verdict}). Rolled back to `"[Unserializable]"` if
 * anything in it throws.
 */
export function writeValueField(
  w: ByteWriter,
  tagByte: number,
  value: unknown,
  state: WalkState,
  depth: number,
  node: PathNode | undefined,
  verdict = 0,
): void {
  const seenLength = state.seen.length;
  w.byte(tagByte);
  const start = w.begin();
  try {
    if (node?.terminal || verdict === KEY_CENSOR) writeString(w, state.redactor.censor, state);
    else if (verdict === KEY_URL && typeof value === 'string') {
      writeString(w, redactQuery(value, state.redactor), state);
    } else writeValue(w, value, state, depth, node);
  } catch {
    // `start` stays valid: the writer keeps offsets when it grows.
    w.pos = start + 1;
    state.seen.length = seenLength;
    w.byte(T_STRING);
    w.string(UNSERIALIZABLE);
  }
  w.end(start);
}

// ---- Leaves ---------------------------------------------------------------------------------
// Strings, byte arrays, BigInts and the objects written as one string (Date, URL, RegExp).

function writeString(w: ByteWriter, s: string, state: WalkState): void {
  if (s.length > state.limits.maxStringLength) s = cutString(s, state);
  // Past the record's budget a string becomes the (shorter) marker; the marker itself is kept.
  if (s.length > TRUNCATED.length && overBudget(w, state)) s = TRUNCATED;
  w.byte(T_STRING);
  w.string(s);
}

/** `s` cut to `maxStringLength`, the record marked truncated. */
function cutString(s: string, state: WalkState): string {
  state.truncated = true;
  return cutText(s, state.limits.maxStringLength);
}

function writeBytes(w: ByteWriter, bytes: Uint8Array, state: WalkState): void {
  if (w.pos + bytes.length > state.budgetEnd) {
    state.truncated = true;
    writeString(w, TRUNCATED, state);
    return;
  }
  w.byte(T_BYTES);
  w.bytes(bytes);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An int64 when it fits (two's complement, as protobuf wants), else its decimal string. */
function writeBigInt(w: ByteWriter, value: bigint, state: WalkState): void {
  if (value < INT64_MIN || value > INT64_MAX) {
    writeString(w, value.toString(), state);
    return;
  }
  const u = BigInt.asUintN(64, value);
  w.byte(T_INT);
  w.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
}

/**
 * Writes an object that is a leaf rather than a container: bytes (Uint8Array, DataView,
 * ArrayBuffer) as AnyValue bytes; Date, URL and RegExp as their string form. Returns false
 * (writing nothing) for any other object. May throw on a hostile Proxy (callers roll back).
 */
function writeLeafObject(w: ByteWriter, value: object, state: WalkState): boolean {
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array) {
      writeBytes(w, value, state);
      return true;
    }
    if (value instanceof DataView) {
      writeBytes(w, new Uint8Array(value.buffer, value.byteOffset, value.byteLength), state);
      return true;
    }
  } else if (value instanceof ArrayBuffer) {
    writeBytes(w, new Uint8Array(value), state);
    return true;
  }
  if (value instanceof Date) {
    const t = value.getTime();
    writeString(w, Number.isNaN(t) ? 'Invalid Date' : value.toISOString(), state);
    return true;
  }
  if (value instanceof URL) {
    writeString(w, value.href, state);
    return true;
  }
  if (value instanceof RegExp) {
    writeString(w, String(value), state);
    return true;
  }
  return false;
}
