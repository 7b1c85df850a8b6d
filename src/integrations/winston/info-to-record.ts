/**
 * A winston `info` object → a podlog foreign record: `message` is the body, metadata and splat
 * objects are attributes, `Error`s (the info itself, `error`/`err`, a splat argument, or the
 * `stack` that `format.errors()` leaves) become `exception.*`, `timestamp` (from
 * `format.timestamp()`) is the record time, and OTel log-correlation fields are the trace context.
 *
 * winston level → OTel severity number: known names (npm, syslog and cli sets) map as the
 * OpenTelemetry winston transport maps them; any other name is placed by its order in the
 * logger's `levels` (0 = most severe), spread over FATAL … TRACE.
 */
import { isPlainObject } from '../../config/validate.js';
import type { ForeignRecord } from '../../logger/logger.js';
import { isErrorValue } from '../../record/error-entries.js';
import { LEVELS, SEVERITY_NUMBER } from '../../record/level-table.js';
import { msToNanos, takeSpanContext } from '../foreign.js';

const KNOWN: Readonly<Record<string, number>> = {
  // npm
  error: 17,
  warn: 13,
  info: 9,
  http: 7,
  verbose: 6,
  debug: 5,
  silly: 1,
  // syslog
  emerg: 23,
  alert: 22,
  crit: 21,
  warning: 13,
  notice: 10,
  // cli
  help: 11,
  data: 10,
  prompt: 4,
  input: 2,
  // podlog / pino / OTel names, for custom sets that use them
  fatal: 21,
  trace: 1,
};

/** Severity of the six podlog levels, most severe first: the buckets custom levels fall into. */
const BY_RANK = LEVELS.map((level) => SEVERITY_NUMBER[level]).reverse();

/** Level name → OTel severity number (1–24), e.g. `{ http: 10 }`. */
export type LevelMap = Readonly<Record<string, number>>;

const cache = new WeakMap<object, LevelMap>();

/**
 * Severity numbers for every level of a winston `levels` object. Unknown names get a severity
 * by rank: the i-th of n distinct priorities falls into bucket ⌊i·6/n⌋ of FATAL … TRACE.
 */
export function severityMap(levels: Readonly<Record<string, number>> | undefined): LevelMap {
  if (!levels) return KNOWN;
  const hit = cache.get(levels);
  if (hit) return hit;
  const priorities = [...new Set(Object.values(levels))].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const [name, priority] of Object.entries(levels)) {
    const known = KNOWN[name];
    if (known !== undefined) out[name] = known;
    else {
      const rank = priorities.indexOf(priority);
      out[name] =
        BY_RANK[Math.min(BY_RANK.length - 1, Math.floor((rank * BY_RANK.length) / priorities.length))];
    }
  }
  cache.set(levels, out);
  return out;
}

/** Severity of `level` under `levels` (INFO for a name it does not know). */
export function severityOf(
  level: string,
  levels: Readonly<Record<string, number>> | undefined,
  extra?: LevelMap,
): number {
  return extra?.[level] ?? severityMap(levels)[level] ?? KNOWN[level] ?? 9;
}

const LEVEL = Symbol.for('level');
const SPLAT = Symbol.for('splat');

/** Keys of `info` that are not attributes. */
const RESERVED = new Set(['level', 'message']);
/** Extra keys winston's exception/rejection handlers add (the stack already says it all). */
const HANDLER_NOISE = new Set(['exception', 'rejection', 'date', 'trace', 'error', 'stack']);

type Info = Record<string | symbol, unknown>;

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

/** The raw level: `info[LEVEL]` is never colourised; `info.level` may be. */
export function levelOfInfo(info: Info): string {
  const raw = info[LEVEL] ?? info.level;
  return typeof raw === 'string' ? stripAnsi(raw) : String(raw);
}

function parseTime(value: unknown): bigint | undefined {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? msToNanos(value.getTime()) : undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return msToNanos(value);
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? msToNanos(ms) : undefined;
}

export function infoToRecord(
  info: Info,
  levels: Readonly<Record<string, number>> | undefined,
  extra?: LevelMap,
): ForeignRecord {
  const level = levelOfInfo(info);
  const fromHandler = info.exception === true || info.rejection === true;
  const attributes: Record<string, unknown> = {};
  let exception: Error | undefined = isErrorValue(info) ? info : undefined;
  const put = (key: string, value: unknown): void => {
    if ((key === 'error' || key === 'err') && isErrorValue(value)) exception ??= value;
    else attributes[key] = value;
  };
  for (const key of Object.keys(info)) {
    if (RESERVED.has(key) || (fromHandler && HANDLER_NOISE.has(key))) continue;
    put(key, info[key]);
  }
  if (fromHandler && isErrorValue(info.error)) exception ??= info.error;

  // Splat arguments: Errors are the exception; objects winston did not merge are attributes.
  const splat = info[SPLAT];
  if (Array.isArray(splat)) {
    for (const arg of splat) {
      if (isErrorValue(arg)) exception ??= arg;
      else if (isPlainObject(arg)) {
        // Keys winston merged into info were handled above.
        for (const key of Object.keys(arg)) {
          if (!Object.hasOwn(info, key) && !RESERVED.has(key)) put(key, arg[key]);
        }
      }
    }
  }

  // format.errors({ stack: true }) leaves the stack as a string and the Error gone.
  if (typeof attributes.stack === 'string') {
    if (exception === undefined) attributes['exception.stacktrace'] = attributes.stack;
    delete attributes.stack;
  }

  const timeUnixNano = parseTime(attributes.timestamp);
  if (timeUnixNano !== undefined) delete attributes.timestamp;

  const spanContext = takeSpanContext(attributes);

  let body: unknown = info.message;
  // Handler messages embed the stack after the first line; the exception carries it already.
  if (fromHandler && typeof body === 'string') body = body.split('\n', 1)[0];
  if (exception !== undefined && (body === undefined || body === '')) body = exception.message;

  return {
    severityNumber: severityOf(level, levels, extra),
    severityText: level,
    body,
    attributes,
    exception,
    timeUnixNano,
    spanContext,
  };
}
