/**
 * What one log call contributes to a record, as the facade hands it to the encoder. Times
 * are 32-bit word pairs rather than bigints so that filling it allocates nothing.
 */
import type { EncodedBindings } from './encode-bindings.js';

/**
 * The facade reuses one instance; the record writer reads every property once up front, so
 * a nested log call that refills it cannot change the record being written.
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
