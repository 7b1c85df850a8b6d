/**
 * The filtered entry points of a logger: the level methods (`log.info` …), `log.event` and
 * records from integrations. Each checks the level (two integer compares when nothing
 * changed), then the log-storm limiter, and only then does any work.
 */
import { type ClockReading, readClock } from '../record/clock.js';
import { SEVERITY_NUMBER, SEVERITY_TEXT } from '../record/severity.js';
import { emitRecord, type Fields, type LogFn, writeCall } from './call-forms.js';
import type { ForeignRecord } from './foreign-record.js';
import { type LoggerState, syncLevel } from './logger-state.js';
import { type HeldCall, heldSize, type TailBuffer } from './tail-buffer.js';
import { recordSpanContext, type SpanContextLike } from './trace-context.js';

/** The message template of a call (the rate limiter's key): its message string as written. */
function templateOf(a: unknown, b: unknown): string {
  return typeof a === 'string' ? a : typeof b === 'string' ? b : '';
}

/**
 * Where a call goes after the level check when tail buffering or trace sampling may apply:
 * `true` on to the sink, `false` nowhere (below the level outside a request, or sampled out),
 * a buffer: held in the request's tail buffer. At the tail's release level the request's held
 * records are written first, so they arrive before the record that released them.
 */
function gate(state: LoggerState, n: number, span?: SpanContextLike | null): TailBuffer | boolean {
  const core = state.core;
  const tail = core.tail;
  if (n < state.threshold) {
    // Below the level: only a request's tail buffer wants it (`floor` let it this far).
    const buffer = tail?.current();
    return buffer === undefined || sampledOut(state, n, span) ? false : buffer;
  }
  return passes(state, n, span);
}

/**
 * A record at or above the level: `false` when trace sampling skips it; at the tail's release
 * level, the request's held records are written first.
 */
function passes(state: LoggerState, n: number, span?: SpanContextLike | null): boolean {
  if (sampledOut(state, n, span)) return false;
  const tail = state.core.tail;
  if (tail !== undefined && n >= tail.releaseFrom) tail.current()?.release();
  return true;
}

/**
 * Trace-based sampling: whether a record at `n` is skipped (and counted). `span`: the record's
 * own span context when it brings one (an integration's record; `null`: none), else the
 * active span's.
 */
function sampledOut(state: LoggerState, n: number, span?: SpanContextLike | null): boolean {
  const sampler = state.core.sampler;
  if (sampler === undefined || n >= sampler.keepFrom) return false;
  return sampler.skips(recordSpanContext(span, state.core.spanContext));
}

/**
 * The hot path: the log method of one severity. A call below the level returns after the
 * generation and threshold compares, allocating nothing. With tail buffering, `floor` is the
 * tail level: a call between it and the level costs one request-context lookup more, and is
 * held only inside a request (`gate`).
 */
export function levelMethod(state: LoggerState, severityNumber: number, severityText: string): LogFn {
  const core = state.core;
  const levels = core.levels;
  const limiter = core.limiter;
  // When neither tail nor sampling is on, the detour below is never taken.
  const sampleBelow = core.sampler?.keepFrom ?? 0;
  const releaseFrom = core.tail?.releaseFrom ?? Number.POSITIVE_INFINITY;
  // A function, not an arrow, for `arguments`, read only by length and index: the optimizing
  // compiler then never allocates it. A rest parameter, or passing `arguments` on, allocates on
  // every call once any call site passes more than two arguments: the disabled call measured
  // 18 → 30–38 ns CPU (bench/hot-path-ab.mjs).
  return function log(a?: unknown, b?: unknown): void {
    if (state.generation !== levels.generation) syncLevel(state);
    if (severityNumber < state.floor) return;
    // printf arguments past the first two, copied by index (see above); held calls need them too.
    // biome-ignore lint/complexity/noArguments: see above
    const n = arguments.length;
    let all: unknown[] | undefined;
    if (n > 2) {
      all = new Array<unknown>(n);
      // biome-ignore lint/complexity/noArguments: see above
      for (let i = 0; i < n; i++) all[i] = arguments[i];
    }
    if (severityNumber < state.threshold || severityNumber < sampleBelow || severityNumber >= releaseFrom) {
      const to = gate(state, severityNumber);
      if (to !== true) {
        // Held records skip the rate limiter: their buffer's bounds limit them.
        if (to !== false) hold(to, state, 'call', severityNumber, severityText, a, b, all);
        return;
      }
    }
    if (
      limiter !== undefined &&
      !limiter.admit(state.scope, severityNumber, severityText, templateOf(a, b))
    ) {
      return;
    }
    writeCall(state, severityNumber, severityText, a, b, all);
  } as LogFn;
}

const clock: ClockReading = { ms: 0, nanos: 0 };

/**
 * Holds a call in `buffer` with what it sees now (time, span, request fields, bindings); it is
 * encoded only if released ({@link writeHeld}). `span`: the record's own span context when it
 * brings one (`null`: none), else the active span's.
 */
function hold(
  buffer: TailBuffer,
  state: LoggerState,
  kind: HeldCall['kind'],
  severityNumber: number,
  severityText: string,
  a: unknown,
  b: unknown,
  more: unknown[] | undefined,
  span?: HeldCall['span'] | null,
): void {
  const core = state.core;
  try {
    readClock(clock);
    buffer.hold({
      state,
      kind,
      severityNumber,
      severityText,
      a,
      b,
      more,
      ms: clock.ms,
      nanos: clock.nanos,
      span: recordSpanContext(span, core.spanContext),
      context: buffer.requestFields(core),
      bindings: state.bindings,
      size: heldSize(a, b, more),
    });
  } catch (err) {
    core.onError(err); // not held, not accepted: nothing to count but the failure
  }
}

/** Writes a call a tail buffer held and now releases: the record it would have made at the call. */
export function writeHeld(held: HeldCall): void {
  const { state, severityNumber: n, severityText: text } = held;
  if (held.kind === 'call') writeCall(state, n, text, held.a, held.b, held.more, held);
  else if (held.kind === 'event')
    emitRecord(
      state,
      n,
      text,
      undefined,
      held.b as Fields | undefined,
      undefined,
      held.a as string,
      undefined,
      held,
    );
  else writeUnfilteredRecord(state, held.a as ForeignRecord, held);
}

/** `log.silent(…)`: pino's no-op level method. */
export const silentMethod: LogFn = () => {};

/** `log.event(name, fields)`: an INFO record with `event_name`. Not rate-limited. Never throws. */
export function writeEvent(state: LoggerState, name: string, fields: Fields | undefined): void {
  syncLevel(state);
  const n = SEVERITY_NUMBER.info;
  if (n < state.floor) return;
  const to = gate(state, n);
  if (to === false) return;
  let eventName: string;
  try {
    eventName = String(name);
  } catch {
    eventName = '[Unserializable]'; // a name whose toString throws: a log call never throws
  }
  if (to === true) emitRecord(state, n, SEVERITY_TEXT.info, undefined, fields, undefined, eventName);
  else hold(to, state, 'event', n, SEVERITY_TEXT.info, eventName, fields, undefined);
}

/**
 * A record from an integration, filtered like a call at its severity (unless the record says its
 * source filtered it already: `ignoreLevel`), then rate-limited. Never throws.
 */
export function emitForeign(state: LoggerState, record: ForeignRecord): void {
  try {
    syncLevel(state);
    // An unspecified severity (0) is filtered as INFO: it cannot be below or above anything.
    const n = record.severityNumber > 0 ? record.severityNumber : SEVERITY_NUMBER.info;
    // A bridged record its source logger already filtered (`ignoreLevel`) skips podlog's level
    // and is never held; trace sampling and the release of the request's held records still apply.
    const bridged = record.ignoreLevel === true;
    if (!bridged && !(n >= state.floor)) return;
    const to = bridged ? passes(state, n, record.spanContext) : gate(state, n, record.spanContext);
    if (to === false) return;
    if (to !== true) {
      hold(to, state, 'foreign', n, record.severityText, record, undefined, undefined, record.spanContext);
      return;
    }
    const limiter = state.core.limiter;
    if (
      limiter !== undefined &&
      !limiter.admit(state.scope, n, record.severityText, typeof record.body === 'string' ? record.body : '')
    ) {
      return;
    }
    writeUnfilteredRecord(state, record);
  } catch (err) {
    state.core.onError(err);
  }
}

/**
 * A foreign record written past the level and the limiter (podlog's own control records, and
 * held records released).
 */
export function writeUnfilteredRecord(state: LoggerState, r: ForeignRecord, held?: HeldCall): void {
  emitRecord(
    state,
    r.severityNumber,
    r.severityText,
    r.body,
    r.attributes,
    r.exception,
    r.eventName,
    r,
    held,
  );
}
