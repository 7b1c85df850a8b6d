/**
 * The argument forms a log method accepts (pino's, podlog's own, and an Error in either
 * place), sorted out into the record's body, fields and exception.
 */
import { isErrorValue } from '../record/error-entries.js';
import { httpMessageKey } from '../record/http-values.js';
import { readProperty } from '../record/read-property.js';
import { emitRecord } from './emit-record.js';
import type { LoggerState } from './logger-state.js';

/** Structured fields of one record. Own enumerable keys become OTLP attributes. */
export type Fields = Record<string, unknown>;

/**
 * A log method. Forms:
 * - `log.info('message', { fields })`: podlog's own order;
 * - `log.info({ fields }, 'message')`: pino's order;
 * - `log.error(err)`, `log.error(err, 'message')`, `log.error(err, { fields })`,
 *   `log.error('message', err)`: the Error becomes the record's `exception.*` attributes and,
 *   without a message, its message is the body.
 */
export interface LogFn {
  (message: string, fields?: Fields | Error): void;
  (fields: Fields | Error, message?: string): void;
  (error: Error, fields?: Fields): void;
  (value: unknown, extra?: unknown): void;
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

/**
 * Sorts out the arguments `a`, `b` of a log call (see {@link LogFn}) and writes the record.
 * Never throws. Sorting happens inline rather than into a returned object: this runs on
 * every enabled call and must not allocate.
 */
export function writeCall(
  state: LoggerState,
  severityNumber: number,
  severityText: string,
  a: unknown,
  b: unknown,
): void {
  try {
    let body: unknown;
    let fields: object | undefined;
    let exception: Error | undefined;
    if (typeof a === 'string') {
      body = a;
      if (b !== null && typeof b === 'object') {
        if (isErrorValue(b)) exception = b;
        else fields = b;
      } else if (b !== undefined && b !== null) body = `${a} ${String(b)}`;
    } else if (isErrorValue(a)) {
      exception = a;
      if (typeof b === 'string') body = b;
      else {
        body = readProperty(a, 'message');
        if (b !== null && typeof b === 'object') fields = b;
      }
    } else if (isFieldsObject(a)) {
      fields = a;
      body = b;
      // pino's habit: a lone request or response is logged as `{ req }` / `{ res }`.
      if (Object.getPrototypeOf(a) !== Object.prototype) {
        const key = httpMessageKey(a);
        if (key !== undefined) fields = { [key]: a };
      }
    } else {
      body = a;
      if (b !== null && typeof b === 'object') fields = b;
    }
    emitRecord(state, severityNumber, severityText, body, fields, exception, undefined);
  } catch (err) {
    // Sorting out the arguments threw (a hostile Proxy): keep the record, not its arguments.
    state.core.onError(err);
    emitRecord(state, severityNumber, severityText, '[Unserializable]', undefined, undefined, undefined);
  }
}
