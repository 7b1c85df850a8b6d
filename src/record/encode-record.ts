/**
 * Encodes one log record into OTLP `LogRecord` bytes.
 *
 * The facade fills a reused {@link RecordParts} and calls {@link encodeParts}; everything is
 * written into one reused {@link ByteWriter} and copied out once (the queue must own its
 * bytes). A log call made from inside the encoding (a getter or `toJSON` that logs) gets a
 * fresh writer, so it cannot corrupt the outer record.
 */
import { ByteWriter } from './byte-writer.js';
import type { EncodedBindings } from './encode-bindings.js';
import {
  DEFAULT_VALUE_LIMITS,
  MAX_VALUE_BYTES,
  newWalkState,
  overBudget,
  readProperty,
  resetWalk,
  type ValueLimits,
  type WalkState,
  writeAnyValueField,
  writeErrorAttributes,
  writeKeyValue,
} from './encode-value.js';
import { DEFAULT_REDACTOR, type Redactor } from './redact.js';

// LogRecord field tags.
const T_TIME = 0x09; // 1, fixed64
const T_SEVERITY = 0x10; // 2, varint
const T_SEVERITY_TEXT = 0x1a; // 3
const T_BODY = 0x2a; // 5
/** LogRecord.attributes: field 6, LEN. */
export const T_ATTRIBUTE = 0x32;
const T_DROPPED = 0x38; // 7, varint
const T_FLAGS = 0x45; // 8, fixed32
const T_TRACE = 0x4a; // 9
const T_SPAN = 0x52; // 10
const T_OBSERVED = 0x59; // 11, fixed64
const T_EVENT = 0x62; // 12

/** Attribute set on a record when any value in it was cut (string length or depth). */
export const TRUNCATED_ATTRIBUTE = 'podlog.truncated';

/**
 * What one log call contributes. The facade reuses one instance; {@link writeRecord} reads
 * every property once up front, so a nested log call that refills it cannot change the
 * record being written.
 */
export interface RecordParts {
  /** time_unix_nano as two 32-bit words (see `fixed64Words` in clock.ts). */
  timeLo: number;
  timeHi: number;
  observedLo: number;
  observedHi: number;
  severityNumber: number;
  severityText: string;
  /** Any value; `undefined` for none. */
  body: unknown;
  /** Per-call fields; own enumerable keys become attributes. */
  fields: object | undefined;
  /** The record-level exception (an Error given as the first argument). */
  exception: Error | undefined;
  bindings: EncodedBindings | undefined;
  /** 32 hex chars or 16 bytes. */
  traceId: string | Uint8Array | undefined;
  /** 16 hex chars or 8 bytes. */
  spanId: string | Uint8Array | undefined;
  flags: number;
  eventName: string | undefined;
}

export function newRecordParts(): RecordParts {
  return {
    timeLo: 0,
    timeHi: 0,
    observedLo: 0,
    observedHi: 0,
    severityNumber: 0,
    severityText: '',
    body: undefined,
    fields: undefined,
    exception: undefined,
    bindings: undefined,
    traceId: undefined,
    spanId: undefined,
    flags: 0,
    eventName: undefined,
  };
}

const sharedWriter = new ByteWriter();
const sharedState = newWalkState();
let busy = false;

/** Encodes `parts` into fresh `LogRecord` bytes. Never throws for any user value. */
export function encodeParts(
  parts: RecordParts,
  limits: ValueLimits = DEFAULT_VALUE_LIMITS,
  redactor: Redactor = DEFAULT_REDACTOR,
): Uint8Array {
  if (busy) {
    const w = new ByteWriter(1024);
    writeRecord(w, newWalkState(limits, redactor), parts);
    return w.copy();
  }
  busy = true;
  try {
    sharedWriter.next();
    resetWalk(sharedState, limits, redactor);
    writeRecord(sharedWriter, sharedState, parts);
    return sharedWriter.take();
  } finally {
    busy = false;
  }
}

/** Writes the record's fields in field-number order. */
export function writeRecord(w: ByteWriter, state: WalkState, parts: RecordParts): void {
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
    traceId,
    spanId,
    flags,
    eventName,
  } = parts;
  state.budgetEnd = w.pos + MAX_VALUE_BYTES;
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
  if (body !== undefined && body !== null) writeAnyValueField(w, T_BODY, body, state);

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
    const written = writeBindings(w, bindings, keys, room);
    count = written;
    // Overridden bindings are replaced by this call's fields, not dropped.
    dropped += bindings.count - written - overriddenBindings + bindings.dropped;
    if (bindings.truncated) state.truncated = true;
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
      if (!flattened && value !== null && typeof value === 'object' && isErrorValue(value)) {
        // The first top-level Error becomes the record's exception (OTel semantic conventions).
        flattened = true;
        state.seen.push(value);
        const r = writeErrorAttributes(w, T_ATTRIBUTE, value as Error, state, 0, paths, room - count);
        state.seen.length = 1;
        count += r.written;
        dropped += r.dropped;
        continue;
      }
      if (count >= room || overBudget(w, state)) {
        dropped++;
        continue;
      }
      if (writeKeyValue(w, T_ATTRIBUTE, key, value, state, 0, paths)) count++;
    }
  }
  if (state.truncated) writeKeyValue(w, T_ATTRIBUTE, TRUNCATED_ATTRIBUTE, true, state, 0, undefined);
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
    w.string(
      eventName.length > state.limits.maxStringLength
        ? `${eventName.slice(0, state.limits.maxStringLength)}…`
        : eventName,
    );
  }
}

function isErrorValue(value: object): boolean {
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
  } catch {
    return false; // revoked Proxy
  }
}

/** How many bindings the last {@link writeBindings} call left out because fields override them. */
let overriddenBindings = 0;

/** Writes the bindings, minus the keys this call's fields override. Returns how many it wrote. */
function writeBindings(w: ByteWriter, b: EncodedBindings, keys: string[] | undefined, room: number): number {
  overriddenBindings = 0;
  let overridden = false;
  if (keys !== undefined) {
    for (let i = 0; i < keys.length; i++) {
      if (b.index.has(keys[i])) {
        overridden = true;
        break;
      }
    }
  }
  if (!overridden && b.count <= room) {
    w.raw(b.bytes);
    return b.count;
  }
  const skip = keys === undefined ? undefined : new Set(keys);
  let written = 0;
  for (let i = 0; i < b.keys.length; i++) {
    if (skip?.has(b.keys[i])) {
      overriddenBindings++;
      continue;
    }
    if (written >= room) continue;
    w.raw(b.bytes.subarray(b.offsets[i], b.offsets[i + 1]));
    written++;
  }
  return written;
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

/** Everything a record can carry, with 64-bit times as bigint. For tests and integrations. */
export interface RecordInput {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body?: unknown;
  fields?: Record<string, unknown>;
  exception?: Error;
  bindings?: EncodedBindings;
  traceId?: Uint8Array | string;
  spanId?: Uint8Array | string;
  flags?: number;
  eventName?: string;
}

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
  const parts = newRecordParts();
  [parts.timeLo, parts.timeHi] = words(input.timeUnixNano);
  [parts.observedLo, parts.observedHi] = words(input.observedTimeUnixNano);
  parts.severityNumber = input.severityNumber;
  parts.severityText = input.severityText;
  parts.body = input.body;
  parts.fields = input.fields;
  parts.exception = input.exception;
  parts.bindings = input.bindings;
  parts.traceId = input.traceId;
  parts.spanId = input.spanId;
  parts.flags = input.flags ?? 0;
  parts.eventName = input.eventName;
  return encodeParts(parts, limits, redactor);
}
