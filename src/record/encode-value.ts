/**
 * User values → OTLP AnyValue bytes, written straight into a {@link ByteWriter}.
 *
 * Whatever a caller passes (cycles, BigInt, throwing getters, revoked Proxies, throwing
 * `toJSON`) ends up as a valid value; nothing here throws to the caller. A value that throws
 * half-way is rolled back (`w.pos = saved`) and written as `"[Unserializable]"`.
 */
import type { ByteWriter } from './byte-writer.js';
import { DEFAULT_REDACTOR, type PathNode, type Redactor, stepPath } from './redact.js';

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

// AnyValue fields (string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7).
const T_STRING = 0x0a;
const T_BOOL = 0x10;
const T_INT = 0x18;
const T_DOUBLE = 0x21;
const T_ARRAY = 0x2a;
const T_KVLIST = 0x32;
const T_BYTES = 0x3a;
/** ArrayValue.values / KeyValueList.values / Resource.attributes: field 1, LEN. */
export const T_VALUES = 0x0a;
const T_KEY = 0x0a;
const T_VALUE = 0x12;

/** Per-record state of the walk. Reused across records; {@link resetWalk} before each. */
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
  const saved = w.pos;
  const seenLength = state.seen.length;
  try {
    w.byte(tagByte);
    const kv = w.begin();
    w.byte(T_KEY);
    w.string(key.length > state.limits.maxStringLength ? cut(key, state) : key);
    w.byte(T_VALUE);
    const v = w.begin();
    const next = node === undefined ? undefined : stepPath(node, key);
    if (next?.terminal || (state.redactor.hasKeyRules && state.redactor.matchesKey(key))) {
      writeString(w, state.redactor.censor, state);
    } else {
      writeValue(w, value, state, depth, next);
    }
    w.end(v);
    w.end(kv);
  } catch {
    w.pos = saved;
    state.seen.length = seenLength;
    writeUnserializableKeyValue(w, tagByte, key);
  }
  return true;
}

function writeUnserializableKeyValue(w: ByteWriter, tagByte: number, key: string): void {
  w.byte(tagByte);
  const kv = w.begin();
  w.byte(T_KEY);
  w.string(key.length > 256 ? `${key.slice(0, 256)}…` : key);
  w.byte(T_VALUE);
  const v = w.begin();
  w.byte(T_STRING);
  w.string(UNSERIALIZABLE);
  w.end(v);
  w.end(kv);
}

/** Writes `value` as an AnyValue message body under `tagByte`, rolled back on failure. */
export function writeAnyValueField(w: ByteWriter, tagByte: number, value: unknown, state: WalkState): void {
  const saved = w.pos;
  const seenLength = state.seen.length;
  try {
    w.byte(tagByte);
    const start = w.begin();
    writeValue(w, value, state, 0, undefined);
    w.end(start);
  } catch {
    w.pos = saved;
    state.seen.length = seenLength;
    w.byte(tagByte);
    const start = w.begin();
    w.byte(T_STRING);
    w.string(UNSERIALIZABLE);
    w.end(start);
  }
}

/** Writes the fields of an AnyValue message for `value`. May throw (callers roll back). */
export function writeValue(
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

export function writeString(w: ByteWriter, s: string, state: WalkState): void {
  if (s.length > state.limits.maxStringLength) s = cut(s, state);
  if (s.length > TRUNCATED.length && overBudget(w, state)) s = TRUNCATED;
  w.byte(T_STRING);
  w.string(s);
}

/** `s` cut to `maxStringLength` (never splitting a surrogate pair), marked truncated. */
function cut(s: string, state: WalkState): string {
  let end = state.limits.maxStringLength;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  state.truncated = true;
  return `${s.slice(0, end)}…`;
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

function writeBigInt(w: ByteWriter, value: bigint, state: WalkState): void {
  if (value < INT64_MIN || value > INT64_MAX) {
    writeString(w, value.toString(), state);
    return;
  }
  const u = BigInt.asUintN(64, value);
  w.byte(T_INT);
  w.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
}

function isError(value: object): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
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
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array) {
      writeBytes(w, value, state);
      return;
    }
    if (value instanceof DataView) {
      writeBytes(w, new Uint8Array(value.buffer, value.byteOffset, value.byteLength), state);
      return;
    }
  } else if (value instanceof ArrayBuffer) {
    writeBytes(w, new Uint8Array(value), state);
    return;
  }
  if (value instanceof Date) {
    const t = value.getTime();
    writeString(w, Number.isNaN(t) ? 'Invalid Date' : value.toISOString(), state);
    return;
  }
  if (value instanceof URL) {
    writeString(w, value.href, state);
    return;
  }
  if (value instanceof RegExp) {
    writeString(w, String(value), state);
    return;
  }
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
      writeArrayItem(w, item, state, depth + 1, child);
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
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      state.seen.pop();
      writeJsonable(w, toJSON.call(value), state, depth, node);
      return;
    }
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
  w.byte(T_KVLIST);
  const start = w.begin();
  for (const k of Object.keys(value)) {
    if (overBudget(w, state)) break;
    writeKeyValue(w, T_VALUES, k, readProperty(value, k), state, depth + 1, node);
  }
  w.end(start);
  state.seen.pop();
}

function writeArrayItem(
  w: ByteWriter,
  item: unknown,
  state: WalkState,
  depth: number,
  node: PathNode | undefined,
): void {
  const saved = w.pos;
  const seenLength = state.seen.length;
  try {
    w.byte(T_VALUES);
    const start = w.begin();
    if (node?.terminal) writeString(w, state.redactor.censor, state);
    else writeValue(w, item, state, depth, node);
    w.end(start);
  } catch {
    w.pos = saved;
    state.seen.length = seenLength;
    w.byte(T_VALUES);
    const start = w.begin();
    w.byte(T_STRING);
    w.string(UNSERIALIZABLE);
    w.end(start);
  }
}

/** Marks a property whose getter threw; written as `"[Unserializable]"`. */
const THROWING_GETTER = { toJSON: () => UNSERIALIZABLE } as const;

export function readProperty(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return THROWING_GETTER;
  }
}

const SKIPPED_ERROR_KEYS = new Set(['name', 'message', 'stack', 'cause', 'errors']);

/**
 * Writes an Error as OTel exception attributes: `exception.type`, `exception.message`,
 * `exception.stacktrace`, then its own enumerable properties as `exception.<key>` (e.g.
 * `exception.code`), `exception.cause` (an Error there has this same shape) and, for an
 * AggregateError, `exception.errors`. The same keys are used for the record-level exception
 * (as attributes) and for an Error nested in a value (as a kvlist). Writes at most `room`
 * entries and reports how many were written and how many did not fit.
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
  const put = (key: string, value: unknown) => {
    if (value === undefined) return;
    if (written >= room || overBudget(w, state)) {
      dropped++;
      return;
    }
    if (writeKeyValue(w, tagByte, key, value, state, depth, node)) written++;
  };
  put('exception.type', errorType(err));
  const message = readProperty(err, 'message');
  put(
    'exception.message',
    message === undefined ? '' : message === THROWING_GETTER ? UNSERIALIZABLE : safeString(message),
  );
  const stack = readProperty(err, 'stack');
  if (typeof stack === 'string') put('exception.stacktrace', stack);
  let keys: string[] = [];
  try {
    keys = Object.keys(err);
  } catch {
    // revoked Proxy: type/message above already fell back to "[Unserializable]".
  }
  for (const k of keys) {
    if (!SKIPPED_ERROR_KEYS.has(k)) put(`exception.${k}`, readProperty(err, k));
  }
  put('exception.cause', readProperty(err, 'cause'));
  const errors = readProperty(err, 'errors');
  if (Array.isArray(errors)) put('exception.errors', errors);
  return { written, dropped };
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return UNSERIALIZABLE;
  }
}

/** The exception type: the class name, or `name` when the class is plain `Error`. */
export function errorType(err: Error): string {
  let ctor = '';
  let name = '';
  try {
    const c = err.constructor?.name;
    if (typeof c === 'string') ctor = c;
  } catch {}
  try {
    const n = err.name;
    if (typeof n === 'string') name = n;
  } catch {}
  if (ctor && ctor !== 'Error' && ctor !== 'Object') return ctor;
  return name || ctor || 'Error';
}
