/**
 * The write path of an enabled call, after level filtering and rate limiting (logger-state.ts).
 * First the argument forms a log method accepts (pino's, podlog's own, and an Error in either
 * place) are sorted out into the record's body, fields and exception, with printf-style
 * messages (format-message.ts) and the logger's `msgPrefix`, `mixin` and `serializers`
 * ({@link writeCall}); then the record is stamped and encoded and handed to the sink
 * ({@link emitRecord}).
 *
 * Nothing a caller passes is lost: arguments pino would drop (past the placeholders, or with
 * no placeholder at all) are kept: an object's keys join the fields, the first Error becomes the
 * exception, anything else is appended to the message (see {@link LogFn}).
 */

import { type ClockReading, fixed64Words, readClock } from '../record/clock.js';
import { encodeParts, newRecordParts, type RecordParts } from '../record/encode-record.js';
import { isErrorValue } from '../record/error-entries.js';
import { httpMessageKey } from '../record/http-values.js';
import { readProperty } from '../record/read-property.js';
import { toText } from '../record/value-limits.js';
import type { ForeignRecord } from './foreign-record.js';
import { formatMessage, stringifyForFormat } from './format-message.js';
import type { LoggerCore, LoggerState } from './logger-state.js';
import { activeContextBindings } from './request-context.js';
import { applySerializers, copyFields, copyInto } from './serializers.js';
import type { HeldCall } from './tail-buffer.js';
import { recordSpanContext, type SpanContextLike } from './trace-context.js';

/** Structured fields of one record. Own enumerable keys become OTLP attributes. */
export type Fields = Record<string, unknown>;

/**
 * A log method. Forms:
 * - `log.info('message', { fields })`: podlog's own order;
 * - `log.info({ fields }, 'message')`: pino's order; `log.info({ msg: 'message', ...fields })`
 *   takes the body from `msg` (or `message`) and leaves it out of the attributes;
 * - `log.info('user %s has %d items', name, n)`, `log.info({ fields }, 'took %dms', ms)`:
 *   printf-style, exactly as pino (`%s %d %i %f %j %o %O %%`);
 * - `log.error(err)`, `log.error(err, 'message')`, `log.error(err, { fields })`,
 *   `log.error('message', err)`: the Error becomes the record's `exception.*` attributes and,
 *   without a message, its message is the body.
 *
 * Arguments that no placeholder printed are kept, never dropped: objects are merged into the
 * fields (`log.info('order placed', { orderId }, { userId })` has both keys; a later key wins),
 * the first Error becomes the exception, anything else is appended to the message after a
 * space (`log.info('count', 3)` → `"count 3"`).
 */
export interface LogFn {
  (message: string, fields?: Fields | Error): void;
  (fields: Fields | Error, message?: string): void;
  (error: Error, fields?: Fields): void;
  (message: string, ...args: unknown[]): void;
  (fields: Fields | Error, message: string, ...args: unknown[]): void;
  (value: unknown, ...args: unknown[]): void;
}

/** A plain-ish object to use as fields (pino order); arrays, bytes and hostile Proxies are bodies. */
function isFieldsObject(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  try {
    return !Array.isArray(value) && !ArrayBuffer.isView(value);
  } catch {
    return false; // revoked Proxy: the encoder writes it as "[Unserializable]"
  }
}

/** Scratch list of the arguments a message did not print (calls are synchronous). */
let spare: unknown[] = [];

/**
 * Sorts out the arguments of a log call (see {@link LogFn}) and writes the record. `a`, `b`
 * are the first two; `more` is the call's whole `arguments` when there are more than two;
 * `held`: a call a tail buffer held, now released. Never throws. The common forms sort inline, allocating nothing.
 *
 * Longer than our ~80-line rule on purpose: this is every enabled call's path. Sorting the
 * forms in a helper would need either an object per call for its four results, or a shared
 * scratch object that a log call made from inside the sorting (a getter, `toString`) would
 * overwrite halfway; locals avoid both.
 */
export function writeCall(
  state: LoggerState,
  severityNumber: number,
  severityText: string,
  a: unknown,
  b: unknown,
  more?: ArrayLike<unknown>,
  held?: HeldCall,
): void {
  try {
    let body: unknown;
    let fields: object | undefined;
    let exception: Error | undefined;
    // `message` + `args[from…]`: a message string and the arguments after it, when printf applies;
    // past the first two (`more`) unless a string first argument takes the second too.
    let message: string | undefined;
    let args: ArrayLike<unknown> | undefined;
    let from = 2;
    if (typeof a === 'string') {
      message = a;
      if (more !== undefined || (b !== undefined && a.includes('%'))) {
        args = more ?? [a, b];
        from = 1;
      } else if (b !== null && typeof b === 'object') {
        if (isErrorValue(b)) exception = b;
        else fields = b;
      } else if (b !== undefined && b !== null) message = `${a} ${toText(b)}`;
    } else if (isErrorValue(a)) {
      exception = a;
      if (typeof b === 'string') message = b;
      else {
        body = readProperty(a, 'message');
        if (b !== null && typeof b === 'object') fields = b;
      }
    } else if (isFieldsObject(a)) {
      fields = a;
      // pino's habit: a lone request or response is logged as `{ req }` / `{ res }`.
      const key = httpMessageKey(a);
      if (key !== undefined) fields = { [key]: a };
      if (typeof b === 'string') message = b;
      else if (b === undefined) {
        if (more === undefined) body = messageKeyOf(fields);
        if (body !== undefined) fields = withoutMessageKey(fields);
      } else body = b;
    } else if (a === undefined && typeof b === 'string') {
      message = b; // pino: `log.info(undefined, 'message')`
    } else {
      body = a;
      if (b !== null && typeof b === 'object') fields = b;
      else if (b !== undefined && b !== null) body = `${toText(a)} ${toText(b)}`;
    }
    args ??= more;
    const prefix = state.msgPrefix;
    if (message !== undefined) {
      if (prefix !== '') message = prefix + message;
      body = message;
    }
    if (args !== undefined) {
      // Borrow the scratch list; a getter that logs from inside formatting gets a fresh one.
      const unprinted = spare;
      spare = [];
      if (message !== undefined) body = formatMessage(message, args, from, unprinted);
      else for (let i = from; i < args.length; i++) unprinted.push(args[i]);
      if (unprinted.length > 0) {
        const kept = keepUnprinted(body, fields, exception, unprinted);
        body = kept.body;
        fields = kept.fields;
        exception = kept.exception;
      }
      unprinted.length = 0;
      spare = unprinted;
    }
    if (state.fieldHooks) fields = applyFieldHooks(state, severityNumber, fields);
    emitRecord(state, held, severityNumber, severityText, body, fields, exception);
  } catch (err) {
    // Sorting out the arguments threw (a hostile Proxy): keep the record, not its arguments.
    state.core.onError(err);
    emitRecord(state, held, severityNumber, severityText, '[Unserializable]', undefined, undefined);
  }
}

/** Where the unprinted arguments of a call went. */
interface Kept {
  body: unknown;
  fields: object | undefined;
  exception: Error | undefined;
}

/**
 * Keeps the arguments no placeholder printed: objects merged into the fields (a later key
 * wins), the first Error as the exception (when the call has none), anything else but
 * `undefined` appended to the message after a space.
 */
function keepUnprinted(
  body: unknown,
  fields: object | undefined,
  exception: Error | undefined,
  unprinted: unknown[],
): Kept {
  let merged: Record<string, unknown> | undefined;
  let text = '';
  for (const v of unprinted) {
    if (v === undefined) continue; // carries nothing (a call passing an optional argument)
    if (isErrorValue(v) && exception === undefined) exception = v;
    else if (isFieldsObject(v) && !isErrorValue(v)) {
      merged ??= fields === undefined ? {} : copyFields(fields);
      copyInto(merged, v);
    } else
      text += ` ${typeof v === 'string' ? v : v !== null && typeof v === 'object' ? stringifyForFormat(v) : toText(v)}`;
  }
  if (text !== '')
    body = body === undefined ? text.slice(1) : `${typeof body === 'string' ? body : toText(body)}${text}`;
  return { body, fields: merged ?? fields, exception };
}

/** `msg` (pino's message key), else `message`, of a fields object; `undefined` when neither. */
function messageKeyOf(fields: object): unknown {
  const msg = readProperty(fields, 'msg');
  return msg !== undefined ? msg : readProperty(fields, 'message');
}

/** `fields` minus the key {@link messageKeyOf} took the body from. */
function withoutMessageKey(fields: object): object {
  const copy = copyFields(fields);
  if (copy.msg !== undefined) delete copy.msg;
  else delete copy.message;
  return copy;
}

/**
 * `mixin` and `serializers` (only when the logger has either): the mixin's object under the
 * call's fields (the call's keys win, as in pino), then each serializer on its key.
 */
function applyFieldHooks(
  state: LoggerState,
  severityNumber: number,
  fields: object | undefined,
): object | undefined {
  const mixin = state.core.facade.mixin;
  let out: Record<string, unknown> | undefined;
  if (mixin !== undefined) {
    let extra: unknown;
    try {
      // pino's level number of the OTel severity range, as pino's `mixin(mergeObject, level)`.
      extra = mixin(fields ?? {}, state.core.facade.levelTable.pinoValueOf(severityNumber), state.logger);
    } catch (err) {
      state.core.onError(err); // a throwing mixin costs its fields, not the record
    }
    if (extra !== null && typeof extra === 'object') {
      out = {};
      copyInto(out, extra);
      if (fields !== undefined) copyInto(out, fields);
    }
  }
  const serializers = state.serializers;
  if (serializers === undefined) return out ?? fields;
  const source = out ?? fields;
  return source === undefined
    ? undefined
    : applySerializers(serializers, source, state.core.onError, out !== undefined);
}

/** Scratch space of enabled calls (one per process: calls are synchronous). */
const parts: RecordParts = newRecordParts();
const clock: ClockReading = { ms: 0, nanos: 0 };
const words = { lo: 0, hi: 0 };

/**
 * Writes one record of `state`'s logger: stamps the time, the active trace context and the
 * request context's fields (request-context.ts), encodes the record straight into bytes
 * (record/encode-record.ts) and hands it to the sink. Never throws. A record that cannot be
 * encoded is lost, but never silently: it is counted (`accepted`, `dropped.encode_error`,
 * through the sink's `discard`) and reported to `onError` (a rate-limited diagnostic line).
 *
 * `foreign` (a record from another logging API) may give its own times and span context.
 * `held`: the call is one a tail buffer held and now releases, so the record takes the time,
 * span, request fields and bindings the call saw.
 */
export function emitRecord(
  state: LoggerState,
  held: HeldCall | undefined,
  severityNumber: number,
  severityText: string,
  body: unknown,
  fields: object | undefined,
  exception: Error | undefined,
  eventName?: string,
  foreign?: ForeignRecord,
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
      scope: foreign?.scope !== undefined ? otel.scope(foreign.scope) : state.scope,
      resource: foreign?.resource !== undefined ? otel.resource(foreign.resource) : otel.current(),
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
function countLost(sink: LoggerCore['sink']): void {
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
