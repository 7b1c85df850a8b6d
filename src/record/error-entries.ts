/**
 * What an Error becomes: the OTel exception attributes `exception.type`, `exception.message`,
 * `exception.stacktrace`, then its own enumerable properties as `exception.<key>` (e.g.
 * `exception.code`), `exception.cause` and, for an AggregateError, `exception.errors`. The
 * same entries serve the record-level exception (as attributes) and an Error nested in a
 * value (as a kvlist); this module only names them, the value encoder writes them.
 */
import { readProperty, THROWING_GETTER } from './read-property.js';
import { toText, UNSERIALIZABLE } from './value-limits.js';

/** An Error, or an object that says it is one (another realm's). May throw on a hostile Proxy. */
export function isError(value: object): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/** {@link isError} for any value, answering false where asking throws (a revoked Proxy). */
export function isErrorValue(value: unknown): value is Error {
  if (value === null || typeof value !== 'object') return false;
  try {
    return isError(value);
  } catch {
    return false;
  }
}

const SKIPPED_ERROR_KEYS = new Set(['name', 'message', 'stack', 'cause', 'errors']);

/**
 * Calls `put` with each exception entry of `err`, in order, reading each property only when
 * its turn comes (a getter may log or throw; its value is passed as read). `put` skips
 * `undefined` values.
 */
export function forEachErrorEntry(err: Error, put: (key: string, value: unknown) => void): void {
  put('exception.type', errorType(err));
  const message = readProperty(err, 'message');
  put(
    'exception.message',
    message === undefined ? '' : message === THROWING_GETTER ? UNSERIALIZABLE : toText(message),
  );
  const stack = readProperty(err, 'stack');
  if (typeof stack === 'string') put('exception.stacktrace', stack);
  let keys: string[] = [];
  try {
    keys = Object.keys(err);
  } catch {
    // revoked Proxy: type/message above already fell back to "[Unserializable]".
  }
  for (const k of keys) {
    if (!SKIPPED_ERROR_KEYS.has(k)) put(`exception.${k}`, readProperty(err, k));
  }
  put('exception.cause', readProperty(err, 'cause'));
  const errors = readProperty(err, 'errors');
  if (Array.isArray(errors)) put('exception.errors', errors);
}

/** The exception type: the class name, or `name` when the class is plain `Error`. */
export function errorType(err: Error): string {
  let ctor = '';
  let name = '';
  try {
    const c = err.constructor?.name;
    if (typeof c === 'string') ctor = c;
  } catch {}
  try {
    const n = err.name;
    if (typeof n === 'string') name = n;
  } catch {}
  if (ctor && ctor !== 'Error' && ctor !== 'Object') return ctor;
  return name || ctor || 'Error';
}
