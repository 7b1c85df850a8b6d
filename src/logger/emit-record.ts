/**
 * The write path of an enabled call: stamps the time, the active trace context and the
 * request context's fields (request-context.ts), encodes the record straight into bytes
 * (record/encode-record.ts) and hands it to the sink. Runs
 * after level filtering and rate limiting; never throws. A record that cannot be encoded is
 * lost, but never silently: it is counted (`accepted`, `dropped.encode_error`, through the
 * sink's `discard`) and reported to `onError` (a rate-limited diagnostic line).
 */
import { type ClockReading, fixed64Words, readClock } from '../record/clock.js';
import { encodeParts, newRecordParts, type RecordParts } from '../record/encode-record.js';
import type { ForeignRecord } from './foreign-record.js';
import type { LoggerState } from './logger-state.js';
import { activeContextBindings } from './request-context.js';
import type { HeldCall } from './tail-buffer.js';
import { recordSpanContext, type SpanContextLike } from './trace-context.js';

/** Scratch space of enabled calls (one per process: calls are synchronous). */
const parts: RecordParts = newRecordParts();
const clock: ClockReading = { ms: 0, nanos: 0 };
const words = { lo: 0, hi: 0 };

/**
 * Writes one record of `state`'s logger. `foreign` (a record from another logging API) may
 * give its own times and span context. `held`: the call is one a tail buffer held and now
 * releases, so the record takes the time, span, request fields and bindings the call saw.
 */
export function emitRecord(
  state: LoggerState,
  severityNumber: number,
  severityText: string,
  body: unknown,
  fields: object | undefined,
  exception: Error | undefined,
  eventName: string | undefined,
  foreign?: ForeignRecord,
  held?: HeldCall,
): void {
  const core = state.core;
  // Once the sink has the record, counting it is the sink's job (the pipeline's `write` never
  // throws); a failure before that is counted here.
  let handed = false;
  try {
    let span: SpanContextLike | undefined;
    if (held !== undefined) {
      span = held.span;
      fixed64Words(held.ms, held.nanos, words);
    } else {
      span = recordSpanContext(foreign?.spanContext, core.spanContext);
      readClock(clock);
      fixed64Words(clock.ms, clock.nanos, words);
    }
    parts.timeLo = parts.observedLo = words.lo;
    parts.timeHi = parts.observedHi = words.hi;
    if (foreign !== undefined) setForeignTimes(foreign);
    parts.severityNumber = severityNumber;
    parts.severityText = severityText;
    parts.body = body;
    parts.fields = fields;
    parts.exception = exception;
    parts.bindings = held === undefined ? state.bindings : held.bindings;
    parts.context = held === undefined ? activeContextBindings(core) : held.context;
    if (span !== undefined) {
      parts.traceId = span.traceId;
      parts.spanId = span.spanId;
      parts.flags = span.traceFlags & 0xff;
    } else {
      parts.traceId = parts.spanId = undefined;
      parts.flags = 0;
    }
    parts.eventName = eventName;
    // A sink that copies on write gets a view of scratch memory: nothing per record to collect.
    const bytes = encodeParts(parts, core.limits, core.redactor, core.sink.copiesBytes === true);
    // Do not keep the caller's objects alive through the scratch space.
    parts.body = parts.fields = parts.exception = undefined;
    const otel = core.otel;
    const record = {
      bytes,
      scope: foreign?.scope !== undefined && otel !== undefined ? otel.scope(foreign.scope) : state.scope,
      resource:
        foreign?.resource !== undefined && otel !== undefined
          ? otel.resource(foreign.resource)
          : core.resource(),
    };
    handed = true;
    core.sink.write(record);
  } catch (err) {
    parts.body = parts.fields = parts.exception = undefined;
    if (!handed) countLost(core.sink);
    core.onError(err);
  }
}

/** Counts a record that never reached the sink; a failing sink must not break the log call. */
function countLost(sink: LoggerState['core']['sink']): void {
  try {
    sink.discard?.('encode_error');
  } catch {
    // Nothing else can count it; onError still reports the failure.
  }
}

/** A foreign record's own times, where given, replace the call's. */
function setForeignTimes(foreign: ForeignRecord): void {
  const t = foreign.timeUnixNano;
  if (typeof t === 'bigint' && t > 0n) {
    parts.timeLo = Number(t & 0xffffffffn);
    parts.timeHi = Number((t >> 32n) & 0xffffffffn);
  }
  const o = foreign.observedTimeUnixNano;
  if (typeof o === 'bigint' && o > 0n) {
    parts.observedLo = Number(o & 0xffffffffn);
    parts.observedHi = Number((o >> 32n) & 0xffffffffn);
  }
}
