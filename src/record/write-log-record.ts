/**
 * Writes one `LogRecord` message body from {@link RecordParts}, fields in field-number order:
 * times, severity, body, attributes (write-attributes.ts), dropped count, flags, trace and
 * span ids, observed time, event name.
 */
import type { ByteWriter } from './byte-writer.js';
import { writeAnyValueField } from './encode-value.js';
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
import type { RecordParts } from './record-parts.js';
import { MAX_VALUE_BYTES } from './value-limits.js';
import type { WalkState } from './walk-state.js';
import { writeAttributes } from './write-attributes.js';

/** Writes the record's fields in field-number order. */
export function writeRecord(w: ByteWriter, state: WalkState, parts: RecordParts): void {
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
