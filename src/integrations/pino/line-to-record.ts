/**
 * One line of pino's NDJSON output → a podlog foreign record. pino has already applied its
 * serializers, redaction, `formatters` and `mixin`; this only names the parts: `level` is the
 * severity, `time` the record time, the message key the body, the error key `exception.*`, and
 * every other key (child bindings and call fields alike) an attribute. `pid` and `hostname` are
 * dropped: podlog's resource carries them (`process.pid`, `host.name`) once per request.
 */
import type { ForeignRecord } from '../../logger/logger.js';
import { msToNanos, spanContextOfFields } from '../foreign.js';
import { DEFAULT_PINO_LEVELS, type PinoLevels, severityOfLevelField } from './levels.js';

/** How a pino logger writes its lines: the keys and level tables it was created with. */
export interface PinoFormat {
  /** pino's `messageKey`. Default `msg`. */
  messageKey: string;
  /** pino's `errorKey`. Default `err`. */
  errorKey: string;
  /** pino's level tables (custom levels included). */
  levels: PinoLevels;
}

/** pino's defaults. */
export const DEFAULT_PINO_FORMAT: PinoFormat = Object.freeze({
  messageKey: 'msg',
  errorKey: 'err',
  levels: DEFAULT_PINO_LEVELS,
});

type SpanContext = ForeignRecord['spanContext'];

/**
 * The format announced in pino's `PINO_CONFIG` message (`{ code, config: { levels, messageKey,
 * errorKey } }`, sent to a destination's `emit` or a transport worker's port when the logger is
 * created), over `fallback` for what it lacks; undefined for any other message.
 */
export function formatFromPinoMessage(message: unknown, fallback: PinoFormat): PinoFormat | undefined {
  const m = message as { code?: unknown; config?: unknown } | null | undefined;
  if (m?.code !== 'PINO_CONFIG' || m.config === null || typeof m.config !== 'object') return undefined;
  const { levels, messageKey, errorKey } = m.config as Record<string, unknown>;
  const l = levels as { labels?: unknown; values?: unknown } | null | undefined;
  const tables =
    l !== null &&
    typeof l === 'object' &&
    l.labels !== null &&
    typeof l.labels === 'object' &&
    l.values !== null &&
    typeof l.values === 'object';
  return {
    messageKey: typeof messageKey === 'string' && messageKey !== '' ? messageKey : fallback.messageKey,
    errorKey: typeof errorKey === 'string' && errorKey !== '' ? errorKey : fallback.errorKey,
    levels: tables ? (l as PinoLevels) : fallback.levels,
  };
}

/** Keys pino's std error serializer writes, and the OTel attribute each becomes. */
const ERROR_KEYS: ReadonlyMap<string, string> = new Map([
  ['type', 'exception.type'],
  ['message', 'exception.message'],
  ['stack', 'exception.stacktrace'],
  // podlog's own name for an AggregateError's errors (record/error-entries.ts).
  ['aggregateErrors', 'exception.errors'],
]);

/** The digits after the milliseconds of an ISO time (`…:05.123456789Z`). */
const SUB_MS = /\.\d{3}(\d{1,6})(?:Z|[+-]\d\d:?\d\d)$/;

/**
 * The record of one pino line. `spanContext` is the trace context to use when the line carries
 * none of its own (`trace_id`/`span_id`/`trace_flags`, as @opentelemetry/instrumentation-pino
 * writes them): `undefined` for "the active span now", `null` for none. Never throws on a
 * well-typed string: a line that is not JSON becomes a record whose body is the line.
 */
export function lineToRecord(line: string, format: PinoFormat, spanContext?: SpanContext): ForeignRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { severityNumber: 0, severityText: '', body: trimEol(line), spanContext };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { severityNumber: 0, severityText: '', body: value, spanContext };
  }
  return objectToRecord(value as Record<string, unknown>, format, spanContext);
}

/** A parsed pino line (an object) → a record. */
function objectToRecord(
  obj: Record<string, unknown>,
  format: PinoFormat,
  spanContext?: SpanContext,
): ForeignRecord {
  const { messageKey, errorKey } = format;
  // Null prototype: a line's `"__proto__"` key is an attribute like any other.
  const attributes: Record<string, unknown> = Object.create(null);
  let timeUnixNano: bigint | undefined;
  let traceId: unknown;
  let spanId: unknown;
  let traceFlags: unknown;
  for (const key in obj) {
    const v = obj[key];
    switch (key) {
      case 'level':
      case 'pid':
      case 'hostname':
        continue;
      case 'time':
        timeUnixNano = parseTime(v);
        if (timeUnixNano === undefined) attributes.time = v;
        continue;
      case 'trace_id':
        traceId = v;
        continue;
      case 'span_id':
        spanId = v;
        continue;
      case 'trace_flags':
        traceFlags = v;
        continue;
    }
    if (key === messageKey) continue;
    if (key === errorKey) putException(attributes, v);
    else attributes[key] = v;
  }
  const own = spanContextOfFields(traceId, spanId, traceFlags);
  if (own === undefined) {
    // Not a valid trace context: keep what was written, as attributes.
    if (traceId !== undefined) attributes.trace_id = traceId;
    if (spanId !== undefined) attributes.span_id = spanId;
    if (traceFlags !== undefined) attributes.trace_flags = traceFlags;
  }
  const { severityNumber, severityText } = severityOfLevelField(obj.level, format.levels);
  return {
    severityNumber,
    severityText,
    body: obj[messageKey],
    attributes,
    timeUnixNano,
    spanContext: own ?? spanContext,
  };
}

/** pino's `time`: epoch ms (default), epoch seconds (`stdTimeFunctions.unixTime`) or an ISO string (to the nanosecond). */
function parseTime(v: unknown): bigint | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v <= 0) return undefined;
    // 1e11 ms is 1973, 1e11 s the year 5138: smaller numbers are seconds.
    return msToNanos(v < 1e11 ? v * 1000 : v);
  }
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (!(Number.isFinite(ms) && ms > 0)) return undefined;
    // Date.parse stops at milliseconds; `stdTimeFunctions.isoTimeNano` writes up to nanoseconds.
    const sub = SUB_MS.exec(v);
    return msToNanos(ms) + (sub === null ? 0n : BigInt(sub[1].padEnd(6, '0')));
  }
  return undefined;
}

/** The error key's value (pino's std error serializer output, usually) → `exception.*`. */
function putException(attributes: Record<string, unknown>, err: unknown): void {
  if (err === null || typeof err !== 'object' || Array.isArray(err)) {
    if (err !== undefined) attributes['exception.message'] = err;
    return;
  }
  const e = err as Record<string, unknown>;
  for (const key in e) {
    attributes[ERROR_KEYS.get(key) ?? `exception.${key}`] = e[key];
  }
  if (typeof e.type !== 'string' && typeof e.name === 'string') attributes['exception.type'] = e.name;
}

function trimEol(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 10 || line.charCodeAt(end - 1) === 13)) end--;
  return end === line.length ? line : line.slice(0, end);
}
