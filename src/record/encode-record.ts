/**
 * Encodes log records into OTLP `LogRecord` bytes.
 *
 * The facade fills a reused {@link RecordParts} and calls {@link encodeParts}; everything is
 * written into one reused {@link ByteWriter} and copied out once (the queue must own its
 * bytes). A log call made from inside the encoding (a getter or `toJSON` that logs) gets a
 * fresh writer, so it cannot corrupt the outer record. The `LogRecord` fields are written in
 * field-number order ({@link RecordEncoder.record}): times, severity, body, attributes,
 * dropped count, flags, trace and span ids, observed time, event name.
 *
 * User values become AnyValue bytes through one walk over containers (arrays, sets, maps,
 * plain objects, `toJSON` results, nested Errors) with cycle detection, the depth limit and the
 * record's value budget, down to the leaves (strings cut to `maxStringLength` without splitting
 * a surrogate pair, byte arrays, BigInts, Date/URL/RegExp as one string, the
 * `"[Unserializable]"` stand-ins). An Error's entries are in error-entries.ts.
 *
 * Whatever a caller passes (cycles, BigInt, throwing getters, revoked Proxies, throwing
 * `toJSON`) ends up as a valid value; nothing here throws to the caller. A value that throws
 * half-way is rolled back (the writer's whole state is `pos`) and written as `"[Unserializable]"`.
 */
import { ByteWriter } from './byte-writer.js';
import { forEachErrorEntry, isError, isErrorValue } from './error-entries.js';
import { httpFieldAttributes, httpValueOf, redactQuery } from './http-values.js';
import { readProperty } from './read-property.js';
import { DEFAULT_REDACTOR, KEY_CENSOR, KEY_URL, type PathNode, type Redactor, stepPath } from './redact.js';
import type { EncodedBindings } from './types.js';
import {
  CIRCULAR,
  cutText,
  DEFAULT_VALUE_LIMITS,
  MAX_VALUE_BYTES,
  TRUNCATED,
  UNSERIALIZABLE,
  type ValueLimits,
} from './value-limits.js';

// Protobuf tag bytes (`field_number << 3 | wire_type`) of the OTLP messages written here.
// AnyValue: string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7.
const T_STRING = 0x0a;
const T_BOOL = 0x10;
const T_INT = 0x18;
const T_DOUBLE = 0x21;
const T_ARRAY = 0x2a;
const T_KVLIST = 0x32;
const T_BYTES = 0x3a;
/** ArrayValue.values / KeyValueList.values / Resource.attributes: field 1, LEN. */
export const T_VALUES = 0x0a;
// KeyValue: key 1, value 2.
const T_KEY = 0x0a;
const T_VALUE = 0x12;
// LogRecord.
const T_TIME = 0x09; // 1, fixed64
const T_SEVERITY = 0x10; // 2, varint
const T_SEVERITY_TEXT = 0x1a; // 3
const T_BODY = 0x2a; // 5
/** LogRecord.attributes: field 6, LEN. */
const T_ATTRIBUTE = 0x32;
const T_DROPPED = 0x38; // 7, varint
const T_FLAGS = 0x45; // 8, fixed32
const T_TRACE = 0x4a; // 9
const T_SPAN = 0x52; // 10
const T_OBSERVED = 0x59; // 11, fixed64
const T_EVENT = 0x62; // 12

/**
 * A fresh {@link RecordParts}. The facade reuses one instance; {@link RecordEncoder.record}
 * reads every property once up front, so a nested log call that refills it cannot change the
 * record being written.
 */
export function newRecordParts() {
  return {
    /** time_unix_nano as two 32-bit words (see `fixed64Words` in clock.ts). */
    timeLo: 0,
    timeHi: 0,
    observedLo: 0,
    observedHi: 0,
    severityNumber: 0,
    severityText: '',
    /** Any value; `undefined` for none. */
    body: undefined as unknown,
    /** Per-call fields; own enumerable keys become attributes. */
    fields: undefined as object | undefined,
    /** The record-level exception (an Error given as the first argument). */
    exception: undefined as Error | undefined,
    bindings: undefined as EncodedBindings | undefined,
    /** The active request context's fields, written after `bindings` (a key in both: the context's). */
    context: undefined as EncodedBindings | undefined,
    /** 32 hex chars or 16 bytes. */
    traceId: undefined as string | Uint8Array | undefined,
    /** 16 hex chars or 8 bytes. */
    spanId: undefined as string | Uint8Array | undefined,
    flags: 0,
    eventName: undefined as string | undefined,
  };
}

/**
 * What one log call contributes to a record, as the facade hands it to the encoder. Times are
 * 32-bit word pairs rather than bigints so that filling it allocates nothing.
 */
export type RecordParts = ReturnType<typeof newRecordParts>;

/** Attribute set on a record when any value in it was cut (string length or depth). */
const TRUNCATED_ATTRIBUTE = 'podlog.truncated';

/**
 * Writes records and values into its {@link ByteWriter} under the limits and redactor in
 * force. Per record it keeps the ancestors on the current path (cycle detection), whether
 * something was cut, and the value budget; one instance is reused across records.
 */
export class RecordEncoder {
  #w: ByteWriter;
  #limits: ValueLimits;
  #redactor: Redactor;
  /** Ancestors of the current value, for cycle detection. */
  readonly #seen: unknown[] = [];
  /** Something was cut (string, depth); the record gets `podlog.truncated: true`. */
  #truncated = false;
  /** Writer position past which no more values are written ({@link MAX_VALUE_BYTES}). */
  #budgetEnd = MAX_VALUE_BYTES;
  /** The record's attributes so far: written, and left out (`dropped_attributes_count`). */
  #count = 0;
  #dropped = 0;

  constructor(
    w: ByteWriter,
    limits: ValueLimits = DEFAULT_VALUE_LIMITS,
    redactor: Redactor = DEFAULT_REDACTOR,
  ) {
    this.#w = w;
    this.#limits = limits;
    this.#redactor = redactor;
  }

  /** Something was cut while encoding. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Starts over on `w` for a new record. */
  reset(w: ByteWriter, limits: ValueLimits, redactor: Redactor): void {
    this.#w = w;
    this.#limits = limits;
    this.#redactor = redactor;
    // pop(), not `length = 0`: that would drop the backing store, and the next push allocates one.
    while (this.#seen.length !== 0) this.#seen.pop();
    this.#truncated = false;
  }

  /** Writes the record's fields in field-number order. */
  record(parts: RecordParts): void {
    // Read once: a getter or toJSON below may log, and that call refills the shared parts.
    const {
      timeLo,
      timeHi,
      observedLo,
      observedHi,
      severityNumber,
      severityText,
      body,
      fields,
      exception,
      bindings,
      context,
      traceId,
      spanId,
      flags,
      eventName,
    } = parts;
    const w = this.#w;
    this.#budgetEnd = w.pos + MAX_VALUE_BYTES;
    if (timeLo !== 0 || timeHi !== 0) {
      w.byte(T_TIME);
      w.fixed64(timeLo, timeHi);
    }
    if (severityNumber !== 0) {
      w.byte(T_SEVERITY);
      w.varint32(severityNumber);
    }
    if (severityText) {
      w.byte(T_SEVERITY_TEXT);
      w.string(severityText);
    }
    if (body !== undefined && body !== null) this.#valueField(T_BODY, body, 0, undefined);
    const dropped = this.#attributes(fields, exception, bindings, context);
    if (dropped > 0) {
      w.byte(T_DROPPED);
      w.varint32(dropped);
    }
    if (flags !== 0) {
      w.byte(T_FLAGS);
      w.fixed32(flags);
    }
    if (traceId !== undefined) writeId(w, T_TRACE, traceId, 16);
    if (spanId !== undefined) writeId(w, T_SPAN, spanId, 8);
    if (observedLo !== 0 || observedHi !== 0) {
      w.byte(T_OBSERVED);
      w.fixed64(observedLo, observedHi);
    }
    if (eventName) {
      w.byte(T_EVENT);
      // A user-given name: bounded like any string value.
      const max = this.#limits.maxStringLength;
      w.string(eventName.length > max ? `${eventName.slice(0, max)}…` : eventName);
    }
  }

  /**
   * Writes one entry of a child's bindings (`key: value` under {@link T_ATTRIBUTE}) from offset
   * 0, within `room` bytes of value budget, and returns its bytes: `null` when the budget was
   * already spent, `undefined` for an `undefined` value. `root` is the bindings object: a
   * value pointing back at it is "[Circular]", as for a call's fields.
   */
  binding(root: object, key: string, value: unknown, room: number): Uint8Array | null | undefined {
    this.#w.reset();
    this.#seen.length = 0;
    this.#seen.push(root);
    this.#budgetEnd = room;
    if (value === undefined) return undefined;
    if (this.#overBudget()) return null;
    return this.keyValue(T_ATTRIBUTE, key, value, 0, this.#redactor.paths) ? this.#w.copy() : undefined;
  }

  /**
   * A record's `LogRecord.attributes`, in order: the child's bindings (pre-encoded bytes, minus
   * keys this call or the request context overrides), the request context's fields (pre-encoded
   * too, minus keys this call overrides), the record-level exception, the call's fields (the
   * first top-level Error among them flattened into `exception.*`), then `podlog.truncated`.
   * The `maxAttributes` limit applies across all of them; returns how many did not fit (for
   * `dropped_attributes_count`).
   */
  #attributes(
    fields: object | undefined,
    exception: Error | undefined,
    bindings: EncodedBindings | undefined,
    context: EncodedBindings | undefined,
  ): number {
    const paths = this.#redactor.paths;
    this.#count = 0;
    this.#dropped = 0;
    let keys: string[] | undefined;
    if (fields !== undefined && fields !== null) {
      try {
        keys = Object.keys(fields);
      } catch {
        keys = undefined; // revoked Proxy as fields: nothing to read
      }
    }
    if (bindings !== undefined && bindings.keys.length > 0) this.#bindings(bindings, keys, context);
    if (context !== undefined) this.#bindings(context, keys, undefined);
    if (exception !== undefined) this.#errorAttributes(exception, paths);
    if (keys !== undefined) {
      let flattened = exception !== undefined;
      // The fields object is the root: a value pointing back at it is "[Circular]".
      this.#seen.push(fields);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const value = readProperty(fields as object, key);
        if (value === undefined) continue;
        if (!flattened && isErrorValue(value)) {
          // The first top-level Error becomes the record's exception (OTel semantic conventions).
          flattened = true;
          this.#errorAttributes(value, paths);
          continue;
        }
        // `log.info({ req, res })`: a raw request/response becomes semantic-convention attributes.
        const http = httpFieldAttributes(key, value, this.#redactor);
        if (http === undefined) this.#attribute(key, value, paths);
        else for (const k of Object.keys(http)) this.#attribute(k, http[k], paths);
      }
    }
    if (this.#truncated) this.keyValue(T_ATTRIBUTE, TRUNCATED_ATTRIBUTE, true, 0, undefined);
    return this.#dropped;
  }

  /** One top-level attribute, or one more dropped when `maxAttributes` or the budget is reached. */
  #attribute(key: string, value: unknown, paths: PathNode | undefined): void {
    if (this.#count >= this.#limits.maxAttributes || this.#overBudget()) this.#dropped++;
    else if (this.keyValue(T_ATTRIBUTE, key, value, 0, paths)) this.#count++;
  }

  /**
   * An Error's exception entries (see error-entries.ts) as top-level attributes, the Error on
   * the ancestors meanwhile (its `cause` pointing back at it is "[Circular]").
   */
  #errorAttributes(err: Error, paths: PathNode | undefined): void {
    this.#seen.push(err);
    forEachErrorEntry(err, (key, value) => {
      if (value !== undefined) this.#attribute(key, value, paths);
    });
    this.#seen.pop();
  }

  /**
   * Writes the bindings, minus the keys this call's fields (or the request context, `over`)
   * override; those are replaced, not dropped. They are pre-encoded, so they cannot be cut on
   * the way like a value: a binding is written whole if it fits in what is left of the record's
   * value budget, else left out (counted as dropped, the record marked truncated). Bindings
   * never cross the budget.
   */
  #bindings(b: EncodedBindings, keys: string[] | undefined, over: EncodedBindings | undefined): void {
    const w = this.#w;
    const entries = b.keys.length;
    const room = this.#limits.maxAttributes - this.#count;
    if (b.truncated) this.#truncated = true;
    this.#dropped += b.dropped;
    const anyOverride = overlaps(b, keys) || (over !== undefined && overlaps(b, over.keys));
    // The common case: no override, all fit: one copy of the pre-encoded bytes.
    if (!anyOverride && entries <= room && w.pos + b.bytes.length <= this.#budgetEnd) {
      w.raw(b.bytes);
      this.#count += entries;
      return;
    }
    let skip: Set<string> | undefined;
    if (keys !== undefined || over !== undefined) {
      skip = new Set(keys);
      if (over !== undefined) for (const k of over.keys) skip.add(k);
    }
    let written = 0;
    let overridden = 0;
    for (let i = 0; i < entries; i++) {
      if (skip?.has(b.keys[i])) {
        overridden++;
        continue;
      }
      if (written >= room) continue;
      const entry = b.bytes.subarray(b.offsets[i], b.offsets[i + 1]);
      if (w.pos + entry.length > this.#budgetEnd) {
        this.#truncated = true;
        continue;
      }
      w.raw(entry);
      written++;
    }
    this.#count += written;
    this.#dropped += entries - written - overridden;
  }

  /** True (and marks the record) once the value budget of the record is spent. */
  #overBudget(): boolean {
    if (this.#w.pos <= this.#budgetEnd) return false;
    this.#truncated = true;
    return true;
  }

  /**
   * Writes one KeyValue message under `tagByte` (`0x0a` inside a list, `0x32` for
   * LogRecord.attributes). `node` is the redaction-path trie node of the parent.
   * Never throws; `undefined` values are skipped (returns false).
   */
  keyValue(tagByte: number, key: string, value: unknown, depth: number, node: PathNode | undefined): boolean {
    if (value === undefined) return false;
    const w = this.#w;
    w.byte(tagByte);
    const kv = w.begin();
    w.byte(T_KEY);
    w.string(key.length > this.#limits.maxStringLength ? this.#cutString(key) : key);
    const next = node === undefined ? undefined : stepPath(node, key);
    const verdict = this.#redactor.hasKeyRules ? this.#redactor.verdict(key) : 0;
    this.#valueField(T_VALUE, value, depth, next, verdict);
    w.end(kv);
    return true;
  }

  /**
   * Writes `value` as an AnyValue message under `tagByte` (an array item, a KeyValue's value, a
   * LogRecord body): the censor instead when `node` is a redacted path's end or the key's
   * `verdict` says so (see {@link Redactor.verdict}). Rolled back to `"[Unserializable]"` if
   * anything in it throws.
   */
  #valueField(tagByte: number, value: unknown, depth: number, node: PathNode | undefined, verdict = 0): void {
    const w = this.#w;
    const seenLength = this.#seen.length;
    w.byte(tagByte);
    const start = w.begin();
    try {
      if (node?.terminal || verdict === KEY_CENSOR) this.#string(this.#redactor.censor);
      else if (verdict === KEY_URL && typeof value === 'string') {
        this.#string(redactQuery(value, this.#redactor));
      } else this.#value(value, depth, node);
    } catch {
      // `start` stays valid: the writer keeps offsets when it grows.
      w.pos = start + 1;
      this.#seen.length = seenLength;
      w.byte(T_STRING);
      w.string(UNSERIALIZABLE);
    }
    w.end(start);
  }

  /** Writes the fields of an AnyValue message for `value`. May throw (callers roll back). */
  #value(value: unknown, depth: number, node: PathNode | undefined): void {
    const w = this.#w;
    switch (typeof value) {
      case 'string':
        this.#string(value);
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
        this.#bigInt(value);
        return;
      case 'undefined':
        return;
      case 'symbol':
        this.#string(value.toString());
        return;
      case 'function':
        this.#string(`[Function ${typeof value.name === 'string' && value.name ? value.name : 'anonymous'}]`);
        return;
    }
    if (value === null) return;
    this.#object(value as object, depth, node);
  }

  #object(value: object, depth: number, node: PathNode | undefined): void {
    const w = this.#w;
    const seen = this.#seen;
    if (seen.includes(value)) {
      this.#string(CIRCULAR);
      return;
    }
    if (this.#leafObject(value)) return;
    if (depth >= this.#limits.maxDepth) {
      this.#truncated = true;
      this.#string(TRUNCATED);
      return;
    }
    seen.push(value);
    if (Array.isArray(value) || value instanceof Set || ArrayBuffer.isView(value)) {
      w.byte(T_ARRAY);
      const start = w.begin();
      let i = 0;
      for (const item of value as Iterable<unknown>) {
        if (this.#overBudget()) break;
        const child = node === undefined ? undefined : stepPath(node, String(i));
        this.#valueField(T_VALUES, item, depth + 1, child);
        i++;
      }
      w.end(start);
    } else if (isError(value)) {
      w.byte(T_KVLIST);
      const start = w.begin();
      forEachErrorEntry(value, (k, v) => {
        if (v !== undefined && !this.#overBudget()) this.keyValue(T_VALUES, k, v, depth + 1, node);
      });
      w.end(start);
    } else if (value instanceof Map) {
      w.byte(T_KVLIST);
      const start = w.begin();
      for (const [k, v] of value) {
        if (this.#overBudget()) break;
        this.keyValue(T_VALUES, String(k), v, depth + 1, node);
      }
      w.end(start);
    } else {
      // Class instances only (a plain object costs one prototype load): HTTP requests,
      // responses, sockets and emitters are written as a compact shape, never walked.
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const http = httpValueOf(value, this.#redactor);
        if (http !== undefined) {
          if (typeof http === 'string') this.#string(http);
          else this.#kvlist(http, depth, node);
          seen.pop();
          return;
        }
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        seen.pop();
        this.#jsonable(toJSON.call(value), depth, node);
        return;
      }
      this.#kvlist(value, depth, node);
    }
    seen.pop();
  }

  /** The result of `toJSON()`: encoded like any value, but its own `toJSON` is not called again. */
  #jsonable(value: unknown, depth: number, node: PathNode | undefined): void {
    if (
      value === null ||
      typeof value !== 'object' ||
      typeof (value as { toJSON?: unknown }).toJSON !== 'function'
    ) {
      this.#value(value, depth, node);
      return;
    }
    if (this.#seen.includes(value)) {
      this.#string(CIRCULAR);
      return;
    }
    this.#seen.push(value);
    this.#kvlist(value, depth, node);
    this.#seen.pop();
  }

  /**
   * An object's own enumerable keys as a `kvlist_value`, stopping at the value budget. The
   * caller has already pushed `value` on the ancestors (cycle detection) and pops it after.
   */
  #kvlist(value: object, depth: number, node: PathNode | undefined): void {
    const w = this.#w;
    w.byte(T_KVLIST);
    const start = w.begin();
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      if (this.#overBudget()) break;
      const k = keys[i];
      this.keyValue(T_VALUES, k, readProperty(value, k), depth + 1, node);
    }
    w.end(start);
  }

  // ---- Leaves: strings, byte arrays, BigInts and the objects written as one string ----------

  #string(s: string): void {
    if (s.length > this.#limits.maxStringLength) s = this.#cutString(s);
    // Past the record's budget a string becomes the (shorter) marker; the marker itself is kept.
    if (s.length > TRUNCATED.length && this.#overBudget()) s = TRUNCATED;
    this.#w.byte(T_STRING);
    this.#w.string(s);
  }

  /** `s` cut to `maxStringLength`, the record marked truncated. */
  #cutString(s: string): string {
    this.#truncated = true;
    return cutText(s, this.#limits.maxStringLength);
  }

  #bytes(bytes: Uint8Array): void {
    if (this.#w.pos + bytes.length > this.#budgetEnd) {
      this.#truncated = true;
      this.#string(TRUNCATED);
      return;
    }
    this.#w.byte(T_BYTES);
    this.#w.bytes(bytes);
  }

  /** An int64 when it fits (two's complement, as protobuf wants), else its decimal string. */
  #bigInt(value: bigint): void {
    if (value < INT64_MIN || value > INT64_MAX) {
      this.#string(value.toString());
      return;
    }
    const u = BigInt.asUintN(64, value);
    this.#w.byte(T_INT);
    this.#w.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  /**
   * Writes an object that is a leaf rather than a container: bytes (Uint8Array, DataView,
   * ArrayBuffer) as AnyValue bytes; Date, URL and RegExp as their string form. Returns false
   * (writing nothing) for any other object. May throw on a hostile Proxy (callers roll back).
   */
  #leafObject(value: object): boolean {
    if (ArrayBuffer.isView(value)) {
      if (value instanceof Uint8Array) {
        this.#bytes(value);
        return true;
      }
      if (value instanceof DataView) {
        this.#bytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        return true;
      }
    } else if (value instanceof ArrayBuffer) {
      this.#bytes(new Uint8Array(value));
      return true;
    }
    if (value instanceof Date) {
      const t = value.getTime();
      this.#string(Number.isNaN(t) ? 'Invalid Date' : value.toISOString());
      return true;
    }
    if (value instanceof URL) {
      this.#string(value.href);
      return true;
    }
    if (value instanceof RegExp) {
      this.#string(String(value));
      return true;
    }
    return false;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** True when one of `keys` is a key of `b`. */
function overlaps(b: EncodedBindings, keys: readonly string[] | undefined): boolean {
  if (keys !== undefined) for (let i = 0; i < keys.length; i++) if (b.index.has(keys[i])) return true;
  return false;
}

const HEX: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[97 + i] = 10 + i;
    t[65 + i] = 10 + i;
  }
  return t;
})();

/** Writes a trace/span id given as hex or bytes; skips ids of the wrong size or all zeros. */
function writeId(w: ByteWriter, tagByte: number, id: string | Uint8Array, size: number): void {
  if (typeof id !== 'string') {
    if (id.length !== size || id.every((b) => b === 0)) return;
    w.byte(tagByte);
    w.bytes(id);
    return;
  }
  if (id.length !== size * 2) return;
  const saved = w.pos;
  w.byte(tagByte);
  w.byte(size);
  w.ensure(size);
  let any = 0;
  for (let i = 0; i < size; i++) {
    const hi = HEX[id.charCodeAt(2 * i) & 0x7f];
    const lo = HEX[id.charCodeAt(2 * i + 1) & 0x7f];
    if (hi < 0 || lo < 0 || id.charCodeAt(2 * i) > 0x7f || id.charCodeAt(2 * i + 1) > 0x7f) {
      w.pos = saved;
      return;
    }
    const byte = (hi << 4) | lo;
    any |= byte;
    w.buf[w.pos++] = byte;
  }
  if (any === 0) w.pos = saved;
}

const slabWriter = new ByteWriter();
/** Rewritten from offset 0 by every borrowed {@link encodeParts}. */
const scratchWriter = new ByteWriter();
const encoder = new RecordEncoder(slabWriter);
let busy = false;

/**
 * Encodes `parts` into `LogRecord` bytes. Never throws for any user value. `borrowed`: the bytes
 * are a view of a scratch buffer that the next call overwrites, for a sink that copies them
 * before `write` returns (`RecordSink.copiesBytes`); no slab is filled, so none is left for the
 * garbage collector. Otherwise they are a view of a slab that only they use.
 */
export function encodeParts(
  parts: RecordParts,
  limits: ValueLimits = DEFAULT_VALUE_LIMITS,
  redactor: Redactor = DEFAULT_REDACTOR,
  borrowed = false,
): Uint8Array {
  if (busy) {
    // A log call from inside the encoding: its own bytes.
    const w = new ByteWriter(1024);
    new RecordEncoder(w, limits, redactor).record(parts);
    return w.copy();
  }
  const w = borrowed ? scratchWriter : slabWriter;
  if (borrowed) w.reset();
  else w.next();
  busy = true;
  try {
    encoder.reset(w, limits, redactor);
    encoder.record(parts);
    return w.take();
  } finally {
    busy = false;
  }
}

/** Everything a record can carry, with 64-bit times as bigint. For tests and integrations. */
export type RecordInput = Partial<
  Omit<RecordParts, 'timeLo' | 'timeHi' | 'observedLo' | 'observedHi' | 'context'>
> &
  Pick<RecordParts, 'severityNumber' | 'severityText'> & {
    timeUnixNano: bigint;
    observedTimeUnixNano: bigint;
  };

function words(ns: bigint): [number, number] {
  const u = BigInt.asUintN(64, ns);
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
}

/** Encodes a record from a {@link RecordInput}. Never throws for any user value. */
export function encodeRecord(
  input: RecordInput,
  limits: ValueLimits = DEFAULT_VALUE_LIMITS,
  redactor: Redactor = DEFAULT_REDACTOR,
): Uint8Array {
  const { timeUnixNano, observedTimeUnixNano, ...rest } = input;
  // Assigned onto the facade's shape, so the record writer sees one object shape.
  const parts = Object.assign(newRecordParts(), rest);
  [parts.timeLo, parts.timeHi] = words(timeUnixNano);
  [parts.observedLo, parts.observedHi] = words(observedTimeUnixNano);
  parts.flags = input.flags ?? 0;
  return encodeParts(parts, limits, redactor);
}
