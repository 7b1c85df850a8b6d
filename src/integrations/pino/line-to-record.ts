/**
 * pino's output format: its level tables and keys, and one line of its NDJSON output → a podlog
 * foreign record. pino has already applied its serializers, redaction, `formatters` and `mixin`;
 * this only names the parts: `level` is the severity, `time` the record time, the message key
 * the body, the error key `exception.*`, and every other key (child bindings and call fields
 * alike) an attribute. `pid` and `hostname` are dropped: podlog's resource carries them
 * (`process.pid`, `host.name`) once per request.
 *
 * pino level → OTel severity: pino's six levels are ten apart (trace 10 … fatal 60) and OTel's
 * six ranges are four wide (TRACE 1–4 … FATAL 21–24), so a pino value lands in the range of the
 * pino level at or below it, and a custom level between two of pino's gets an offset inside that
 * range: `http: 35` → INFO3 (11), as pino's own ordering says it is more severe than `info`.
 */
import type { ForeignRecord } from '../../logger/logger.js';
import { DEFAULT_LEVEL_TABLE, type PinoLevels, severityOfPinoValue } from '../../record/level-table.js';
import { msToNanos, takeSpanContext } from '../foreign.js';

export type { PinoLevels };

/** pino's default tables (no custom levels): the facade's level table, one source for both. */
export const DEFAULT_PINO_LEVELS: PinoLevels = DEFAULT_LEVEL_TABLE.levels;
const { values: PINO_LEVELS, labels: PINO_LABELS } = DEFAULT_PINO_LEVELS;

/**
 * `customLevels` as given to `pino()` (label → value) → the tables pino builds from them
 * (custom levels added to the defaults, or replacing them with `useOnlyCustomLevels`).
 */
export function pinoLevels(customLevels: Readonly<Record<string, number>>, onlyCustom = false): PinoLevels {
  const values: Record<string, number> = onlyCustom ? {} : { ...PINO_LEVELS };
  const labels: Record<number, string> = onlyCustom ? {} : { ...PINO_LABELS };
  for (const [label, value] of Object.entries(customLevels)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    values[label] = value;
    labels[value] = label;
  }
  return { labels, values };
}

/**
 * OTel severity number (1–24) of a pino level value (10 → TRACE 1 … 60 → FATAL 21, values in
 * between with an offset inside the range): the facade's mapping for `customLevels`, so a level
 * means the same severity whether it comes through pino or through podlog's own logger.
 */
export const severityOfPinoLevel: (value: number) => number = severityOfPinoValue;

/**
 * Severity number and text of the `level` field of a pino line: a number (pino's default) or a
 * label (`formatters.level` returning `{ level: label }`), read through `levels`. An unknown label
 * is INFO (9): pino wrote it, so it passed pino's filter, and no ordering says more.
 */
function severityOfLevelField(
  level: unknown,
  levels: PinoLevels,
): { severityNumber: number; severityText: string } {
  if (typeof level === 'number') {
    return {
      severityNumber: severityOfPinoLevel(level),
      severityText: levels.labels[level] ?? PINO_LABELS[level] ?? String(level),
    };
  }
  if (typeof level === 'string') {
    const value = Object.hasOwn(levels.values, level) ? levels.values[level] : PINO_LEVELS[level];
    return {
      severityNumber: typeof value === 'number' ? severityOfPinoLevel(value) : 9,
      severityText: level,
    };
  }
  return { severityNumber: 0, severityText: '' };
}

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
  if (m?.code !== 'PINO_CONFIG' || !isObject(m.config)) return undefined;
  const { levels, messageKey, errorKey } = m.config as Record<string, unknown>;
  const l = levels as { labels?: unknown; values?: unknown } | null | undefined;
  const tables = isObject(l) && isObject(l.labels) && isObject(l.values);
  return {
    messageKey: typeof messageKey === 'string' && messageKey !== '' ? messageKey : fallback.messageKey,
    errorKey: typeof errorKey === 'string' && errorKey !== '' ? errorKey : fallback.errorKey,
    levels: tables ? (l as PinoLevels) : fallback.levels,
  };
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
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
  if (!isObject(value) || Array.isArray(value)) {
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
    }
    if (key === messageKey) continue;
    if (key === errorKey) putException(attributes, v);
    else attributes[key] = v;
  }
  const own = takeSpanContext(attributes);
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
  if (!isObject(err) || Array.isArray(err)) {
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
