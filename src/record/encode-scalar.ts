/**
 * The leaves of a value: strings (cut to `maxStringLength` without splitting a surrogate
 * pair; lone surrogates are replaced by {@link ByteWriter.string}), byte arrays, BigInts, the
 * objects that are written as one string (Date, URL, RegExp), and the `"[Unserializable]"`
 * stand-ins written after a value threw and was rolled back.
 */
import type { ByteWriter } from './byte-writer.js';
import { T_BYTES, T_INT, T_KEY, T_STRING, T_VALUE } from './otlp-tags.js';
import { TRUNCATED, UNSERIALIZABLE } from './value-limits.js';
import { overBudget, type WalkState } from './walk-state.js';

export function writeString(w: ByteWriter, s: string, state: WalkState): void {
  if (s.length > state.limits.maxStringLength) s = cutString(s, state);
  // Past the record's budget a string becomes the (shorter) marker; the marker itself is kept.
  if (s.length > TRUNCATED.length && overBudget(w, state)) s = TRUNCATED;
  w.byte(T_STRING);
  w.string(s);
}

/** `s` cut to `maxStringLength` (never splitting a surrogate pair), marked truncated. */
export function cutString(s: string, state: WalkState): string {
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

/** An int64 when it fits (two's complement, as protobuf wants), else its decimal string. */
export function writeBigInt(w: ByteWriter, value: bigint, state: WalkState): void {
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
export function writeLeafObject(w: ByteWriter, value: object, state: WalkState): boolean {
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

/** An AnyValue field under `tagByte` holding `"[Unserializable]"`. */
export function writeUnserializableField(w: ByteWriter, tagByte: number): void {
  w.byte(tagByte);
  const start = w.begin();
  w.byte(T_STRING);
  w.string(UNSERIALIZABLE);
  w.end(start);
}

/** A KeyValue under `tagByte` whose value is `"[Unserializable]"` (its key capped, in case it was the cause). */
export function writeUnserializableKeyValue(w: ByteWriter, tagByte: number, key: string): void {
  w.byte(tagByte);
  const kv = w.begin();
  w.byte(T_KEY);
  w.string(key.length > 256 ? `${key.slice(0, 256)}…` : key);
  writeUnserializableField(w, T_VALUE);
  w.end(kv);
}
