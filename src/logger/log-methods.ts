/**
 * The filtered entry points of a logger: the level methods (`log.info` …), `log.event` and
 * records from integrations. Each checks the level (two integer compares when nothing
 * changed), then the log-storm limiter, and only then does any work.
 */
import { SEVERITY_NUMBER, SEVERITY_TEXT } from '../record/severity.js';
import { type Fields, type LogFn, writeCall } from './call-forms.js';
import { emitRecord } from './emit-record.js';
import type { ForeignRecord } from './foreign-record.js';
import { syncLevel } from './logger-level.js';
import type { LoggerState } from './logger-state.js';

/** The message template of a call (the rate limiter's key): its message string as written. */
function templateOf(a: unknown, b: unknown): string {
  return typeof a === 'string' ? a : typeof b === 'string' ? b : '';
}

/**
 * The hot path: the log method of one severity. A call below the level returns after the
 * generation and threshold compares, allocating nothing.
 */
export function levelMethod(state: LoggerState, severityNumber: number, severityText: string): LogFn {
  const levels = state.core.levels;
  const limiter = state.core.limiter;
  // A function, not an arrow, for `arguments`, read only by length and index: the optimizing
  // compiler then never allocates it. A rest parameter, or passing `arguments` on, allocates on
  // every call once any call site passes more than two arguments: the disabled call measured
  // 18 → 30–38 ns CPU (bench/hot-path-ab.mjs).
  return function log(a?: unknown, b?: unknown): void {
    if (state.generation !== levels.generation) syncLevel(state);
    if (severityNumber < state.threshold) return;
    if (
      limiter !== undefined &&
      !limiter.admit(state.scope, severityNumber, severityText, templateOf(a, b))
    ) {
      return;
    }
    // biome-ignore lint/complexity/noArguments: see above
    const n = arguments.length;
    if (n > 2) {
      const all = new Array<unknown>(n);
      // biome-ignore lint/complexity/noArguments: see above
      for (let i = 0; i < n; i++) all[i] = arguments[i];
      writeCall(state, severityNumber, severityText, a, b, all);
    } else writeCall(state, severityNumber, severityText, a, b);
  } as LogFn;
}

/** `log.silent(…)`: pino's no-op level method. */
export const silentMethod: LogFn = () => {};

/** `log.event(name, fields)`: an INFO record with `event_name`. Not rate-limited. Never throws. */
export function writeEvent(state: LoggerState, name: string, fields: Fields | undefined): void {
  syncLevel(state);
  if (SEVERITY_NUMBER.info < state.threshold) return;
  let eventName: string;
  try {
    eventName = String(name);
  } catch {
    eventName = '[Unserializable]'; // a name whose toString throws: a log call never throws
  }
  emitRecord(state, SEVERITY_NUMBER.info, SEVERITY_TEXT.info, undefined, fields, undefined, eventName);
}

/** A record from an integration, filtered like a call at its severity. Never throws. */
export function emitForeign(state: LoggerState, record: ForeignRecord): void {
  try {
    syncLevel(state);
    // An unspecified severity (0) is filtered as INFO: it cannot be below or above anything.
    const n = record.severityNumber > 0 ? record.severityNumber : SEVERITY_NUMBER.info;
    if (!(n >= state.threshold)) return;
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

/** A foreign record written past the level and the limiter (podlog's own control records). */
export function writeUnfilteredRecord(state: LoggerState, r: ForeignRecord): void {
  emitRecord(state, r.severityNumber, r.severityText, r.body, r.attributes, r.exception, r.eventName, r);
}
