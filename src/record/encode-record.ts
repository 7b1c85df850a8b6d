/**
 * Encodes one log record into OTLP `LogRecord` bytes.
 */
import * as F from '../otlp/fields.js';
import { I32, I64, LEN, tag, Writer, writeFixed64 } from '../otlp/protobuf.js';
import {
  DEFAULT_VALUE_LIMITS,
  newWalkState,
  UNSERIALIZABLE,
  type ValueLimits,
  writeAnyValue,
  writeKeyValue,
} from './encode-value.js';

/** Everything a log call contributes to one record. Values are raw user values. */
export interface RecordInput {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body?: unknown;
  /** Per-call fields; own enumerable keys become attributes. */
  fields?: Record<string, unknown>;
  /** Child-logger bindings, already encoded as repeated `attributes` (field 6) entries. */
  bindings?: Uint8Array;
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  flags?: number;
  eventName?: string;
}

const T_TIME = tag(F.LogRecord.timeUnixNano, I64);
const T_OBSERVED = tag(F.LogRecord.observedTimeUnixNano, I64);
const T_SEVERITY = tag(F.LogRecord.severityNumber, 0);
const T_SEVERITY_TEXT = tag(F.LogRecord.severityText, LEN);
const T_BODY = tag(F.LogRecord.body, LEN);
const T_FLAGS = tag(F.LogRecord.flags, I32);
const T_TRACE = tag(F.LogRecord.traceId, LEN);
const T_SPAN = tag(F.LogRecord.spanId, LEN);
const T_EVENT = tag(F.LogRecord.eventName, LEN);

/**
 * Writes the record's attributes as repeated LogRecord.attributes entries. `writeKeyValue`
 * writes field 1 (KeyValueList.values); LogRecord.attributes is field 6, so we write each
 * KeyValue into a scratch writer and re-tag it.
 */
export function encodeAttributes(
  fields: Record<string, unknown>,
  limits: ValueLimits = DEFAULT_VALUE_LIMITS,
): Uint8Array {
  const w = Writer.create();
  const state = newWalkState(limits);
  for (const key of Object.keys(fields)) {
    let value: unknown;
    try {
      value = fields[key];
    } catch {
      value = '[Unserializable]';
    }
    writeAttribute(w, key, value, state);
  }
  return w.finish();
}

const T_ATTR = tag(F.LogRecord.attributes, LEN);

function writeAttribute(
  w: Writer,
  key: string,
  value: unknown,
  state: ReturnType<typeof newWalkState>,
): void {
  if (value === undefined) return;
  const scratch = Writer.create();
  try {
    writeKeyValue(scratch, key, value, state, 0);
  } catch (err) {
    if (err !== UNSERIALIZABLE) throw err;
    scratch.reset();
    writeKeyValue(scratch, key, '[Unserializable]', state, 0);
  }
  // scratch holds: tag(1,LEN) len KeyValue — swap the leading tag byte for field 6.
  const bytes = scratch.finish();
  bytes[0] = T_ATTR;
  w.raw(bytes);
}

/** Encodes a record. Never throws for any user value. */
export function encodeRecord(input: RecordInput, limits: ValueLimits = DEFAULT_VALUE_LIMITS): Uint8Array {
  const w = Writer.create();
  w.uint32(T_TIME);
  writeFixed64(w, input.timeUnixNano);
  w.uint32(T_SEVERITY).int32(input.severityNumber);
  w.uint32(T_SEVERITY_TEXT).string(input.severityText);
  const state = newWalkState(limits);
  if (input.body !== undefined) {
    const scratch = Writer.create();
    try {
      writeAnyValue(scratch, input.body, state, 0);
    } catch (err) {
      if (err !== UNSERIALIZABLE) throw err;
      scratch.reset();
      writeAnyValue(scratch, '[Unserializable]', state, 0);
    }
    w.uint32(T_BODY).bytes(scratch.finish());
  }
  if (input.bindings && input.bindings.length > 0) w.raw(input.bindings);
  if (input.fields) {
    for (const key of Object.keys(input.fields)) {
      let value: unknown;
      try {
        value = input.fields[key];
      } catch {
        value = '[Unserializable]';
      }
      writeAttribute(w, key, value, state);
    }
  }
  if (input.flags) w.uint32(T_FLAGS).fixed32(input.flags);
  if (input.traceId) w.uint32(T_TRACE).bytes(input.traceId);
  if (input.spanId) w.uint32(T_SPAN).bytes(input.spanId);
  w.uint32(T_OBSERVED);
  writeFixed64(w, input.observedTimeUnixNano);
  if (input.eventName) w.uint32(T_EVENT).string(input.eventName);
  return w.finish();
}
