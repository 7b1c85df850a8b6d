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
import { newRecordParts, type RecordParts } from './record-parts.js';
import { DEFAULT_REDACTOR, type Redactor } from './redact.js';
import { DEFAULT_VALUE_LIMITS, type ValueLimits } from './value-limits.js';
import { newWalkState, resetWalk } from './walk-state.js';
import { writeRecord } from './write-log-record.js';

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
  busy = true;
  try {
    scratchWriter.reset();
    resetWalk(sharedState, limits, redactor);
    writeRecord(scratchWriter, sharedState, parts);
    return scratchWriter.take();
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
