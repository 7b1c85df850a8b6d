/**
 * Encodes one log record into OTLP `LogRecord` bytes.
 *
 * The facade fills a reused {@link RecordParts} and calls {@link encodeParts}; everything is
 * written into one reused {@link ByteWriter} and copied out once (the queue must own its
 * bytes). A log call made from inside the encoding (a getter or `toJSON` that logs) gets a
 * fresh writer, so it cannot corrupt the outer record. The `LogRecord` fields are written in
 * field-number order ({@link writeRecord}): times, severity, body, attributes
 * (write-attributes.ts), dropped count, flags, trace and span ids, observed time, event name.
 */
import { ByteWriter } from './byte-writer.js';
import type { EncodedBindings } from './encode-bindings.js';
import { newWalkState, resetWalk, type WalkState, writeAnyValueField } from './encode-value.js';
import {
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
import { newRecordParts, type RecordParts } from './record-parts.js';
import { DEFAULT_REDACTOR, type Redactor } from './redact.js';
import { DEFAULT_VALUE_LIMITS, MAX_VALUE_BYTES, type ValueLimits } from './value-limits.js';
import { writeAttributes } from './write-attributes.js';

const sharedWriter = new ByteWriter();
/** Rewritten from offset 0 by every {@link encodePartsBorrowed}. */
const scratchWriter = new ByteWriter();
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
  sharedWriter.next();
  return encodeShared(sharedWriter, parts, limits, redactor);
}

/**
 * Like {@link encodeParts}, but the bytes are a view of a scratch buffer that the next call
 * overwrites: for a sink that copies them before `write` returns (`RecordSink.copiesBytes`).
 * No slab is filled, so none is left for the garbage collector. Never throws for any user value.
 */
export function encodePartsBorrowed(
  parts: RecordParts,
  limits: ValueLimits = DEFAULT_VALUE_LIMITS,
  redactor: Redactor = DEFAULT_REDACTOR,
): Uint8Array {
  // A log call from inside the encoding gets its own bytes (see encodeParts).
  if (busy) return encodeParts(parts, limits, redactor);
  scratchWriter.reset();
  return encodeShared(scratchWriter, parts, limits, redactor);
}

/** Writes `parts` into `w`, one of the two reused writers, with the reused walk state. */
function encodeShared(
  w: ByteWriter,
  parts: RecordParts,
  limits: ValueLimits,
  redactor: Redactor,
): Uint8Array {
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
  if (body !== undefined && body !== null) writeAnyValueField(w, T_BODY, body, state);
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
