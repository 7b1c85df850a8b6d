/**
 * Encodes one log record into OTLP `LogRecord` bytes.
 *
 * The facade fills a reused {@link RecordParts} and calls {@link encodeParts}; everything is
 * written into one reused {@link ByteWriter} and copied out once (the queue must own its
 * bytes). A log call made from inside the encoding (a getter or `toJSON` that logs) gets a
 * fresh writer, so it cannot corrupt the outer record. The `LogRecord` fields are written in
 * field-number order ({@link writeRecord}): times, severity, body, attributes
 * ({@link writeAttributes}), dropped count, flags, trace and span ids, observed time, event name.
 */
import { ByteWriter } from './byte-writer.js';
import type { EncodedBindings } from './encode-bindings.js';
import {
  newWalkState,
  overBudget,
  resetWalk,
  type WalkState,
  writeErrorAttributes,
  writeKeyValue,
  writeValueField,
} from './encode-value.js';
import { isErrorValue } from './error-entries.js';
import { httpFieldAttributes } from './http-values.js';
import {
  T_ATTRIBUTE,
  T_BODY,
  T_DROPPED,
  T_EVENT,
  T_FLAGS,
  T_OBSERVED,
  T_SEVERITY,
  T_SEVERITY_TEXT,
  T_SPAN,
  T_TIME,
  T_TRACE,
} from './otlp-tags.js';
import { readProperty } from './read-property.js';
import { DEFAULT_REDACTOR, type Redactor } from './redact.js';
import { DEFAULT_VALUE_LIMITS, MAX_VALUE_BYTES, type ValueLimits } from './value-limits.js';

/**
 * What one log call contributes to a record, as the facade hands it to the encoder. Times are
 * 32-bit word pairs rather than bigints so that filling it allocates nothing. The facade reuses
 * one instance; {@link writeRecord} reads every property once up front, so a nested log call
 * that refills it cannot change the record being written.
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
  /** The active request context's fields, written after `bindings` (a key in both: the context's). */
  context: EncodedBindings | undefined;
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
    context: undefined,
    traceId: undefined,
    spanId: undefined,
    flags: 0,
    eventName: undefined,
  };
}

const sharedWriter = new ByteWriter();
/** Rewritten from offset 0 by every borrowed {@link encodeParts}. */
const scratchWriter = new ByteWriter();
const sharedState = newWalkState();
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
    writeRecord(w, newWalkState(limits, redactor), parts);
    return w.copy();
  }
  const w = borrowed ? scratchWriter : sharedWriter;
  if (borrowed) w.reset();
  else w.next();
  busy = true;
  try {
    resetWalk(sharedState, limits, redactor);
    writeRecord(w, sharedState, parts);
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

/** Writes the record's fields in field-number order. */
function writeRecord(w: ByteWriter, state: WalkState, parts: RecordParts): void {
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
  if (body !== undefined && body !== null) writeValueField(w, T_BODY, body, state, 0, undefined);
  const dropped = writeAttributes(w, state, fields, exception, bindings, context);
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

/**
 * A record's `LogRecord.attributes`, in order: the child's bindings (pre-encoded bytes, minus
 * keys this call or the request context overrides), the request context's fields (pre-encoded
 * too, minus keys this call overrides), the record-level exception, the call's fields (the first
 * top-level Error among them flattened into `exception.*`), then `podlog.truncated`. The
 * `maxAttributes` limit applies across all of them; what does not fit is counted for
 * `dropped_attributes_count`.
 */
/** Attribute set on a record when any value in it was cut (string length or depth). */
const TRUNCATED_ATTRIBUTE = 'podlog.truncated';

/** Writes all attributes of a record (see above). Returns how many were dropped (for `dropped_attributes_count`). */
function writeAttributes(
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
      if (count >= room || overBudget(w, state)) dropped++;
      else if (writeKeyValue(w, T_ATTRIBUTE, key, value, state, 0, paths)) count++;
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
  const anyOverride = overlaps(b, keys) || (over !== undefined && overlaps(b, over.keys));
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
