/**
 * One record → one stdout line, for the optional stdout mirror (`kubectl logs`, local dev).
 *
 * `json`: one JSON object per line, pino-like and flat:
 *   {"time":"2026-11-27T18:32:01.123Z","level":"info","severity":9,"logger":"http",
 *    "msg":"request done","trace_id":"…","span_id":"…","event":"…", ...attributes}
 * Attribute keys that collide with those reserved keys get an `attr.` prefix. 64-bit
 * integers beyond 2^53 are strings, bytes are base64.
 *
 * Every line, newline included, stays under 16 KiB (container runtimes split longer lines):
 * an oversized line is re-rendered with ever shorter values (strings cut with `…`, arrays and
 * nested objects cut to their first items plus a `…+N` marker) and carries
 * `"podlog.truncated":true`. Every attribute key stays; only if the keys alone overflow the line
 * are the last ones left out, counted in `"podlog.omitted_attributes"`.
 *
 * `pretty`: `18:32:01.123 INFO  [http] request done userId=42 route="/api"`. The same line is
 * what `podlog receive` prints (with the full date and who sent it): one printer for both.
 * Every string a record brings (body, keys, values, scope, severity text, stack) has its
 * control characters escaped, so a record cannot move the cursor, clear the terminal or forge
 * a line of its own (see {@link escapeControl}).
 *
 * `podlog receive --json`: {@link formatReceivedJson}, one exact NDJSON object per record.
 */
import type { DecodedLogRecord, OtlpAttributes, OtlpValue } from '../otlp/types.js';
import { type Level, levelOfSeverity, SEVERITY_TEXT } from './level-table.js';
import { cutText } from './value-limits.js';

export const MAX_LINE_BYTES = 16 * 1024;

const RESERVED = new Set(['time', 'level', 'severity', 'logger', 'msg', 'trace_id', 'span_id', 'event']);

/**
 * How far values are shortened: strings (and base64 bytes) to `maxString` characters, arrays and
 * nested objects to `maxItems` entries. Top-level attributes are never counted against `maxItems`.
 */
interface Cut {
  readonly maxString: number;
  readonly maxItems: number;
}

const WHOLE: Cut = { maxString: Number.POSITIVE_INFINITY, maxItems: Number.POSITIVE_INFINITY };
/** Tried in turn until the line fits; the last one leaves little more than every key. */
const CUTS: readonly Cut[] = [
  WHOLE,
  { maxString: 1024, maxItems: 64 },
  { maxString: 256, maxItems: 16 },
  { maxString: 64, maxItems: 4 },
  { maxString: 16, maxItems: 1 },
  { maxString: 0, maxItems: 0 },
];

function jsonValue(v: OtlpValue | undefined, cut: Cut): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
      return cutText(v, cut.maxString);
    case 'bigint':
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v)
        : String(v);
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'boolean':
      return v;
  }
  if (v instanceof Uint8Array) {
    return cutText(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'), cut.maxString);
  }
  if (Array.isArray(v)) {
    const shown = v.slice(0, cut.maxItems).map((x) => jsonValue(x, cut));
    if (v.length > shown.length) shown.push(`…+${v.length - shown.length} items`);
    return shown;
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(v);
  const shown = keys.length > cut.maxItems ? keys.slice(0, cut.maxItems) : keys;
  for (const k of shown) define(out, k, jsonValue((v as Record<string, OtlpValue>)[k], cut));
  if (keys.length > shown.length) define(out, '…', `+${keys.length - shown.length} keys`);
  return out;
}

/** A key named `__proto__` must become data, not a prototype change. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isoTime(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/**
 * What a terminal would act on instead of print: C0 controls (ESC starts a control sequence, CR
 * and LF forge lines), DEL, C1 controls (CSI U+009B is an ESC [ on some terminals), the Unicode
 * line and paragraph separators, and the bidi controls that reorder text on screen.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character a terminal would act on written as an escape (`\n`,
 * `\x1b`, `\u202e`), so it prints as text. Free when there is none (one regex test).
 */
export function escapeControl(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
}

function levelName(r: DecodedLogRecord): string {
  return r.severityText ? r.severityText.toLowerCase() : String(r.severityNumber);
}

/** The line's fixed head: time, level, severity, logger, msg, event, ids. */
function head(r: DecodedLogRecord, scope: string, cut: Cut): Record<string, unknown> {
  const o: Record<string, unknown> = {
    time: isoTime(r.timeUnixNano),
    level: levelName(r),
    severity: r.severityNumber,
  };
  if (scope) o.logger = scope;
  if (r.body !== undefined) o.msg = jsonValue(r.body, cut);
  if (r.eventName) o.event = r.eventName;
  if (r.traceId) o.trace_id = r.traceId;
  if (r.spanId) o.span_id = r.spanId;
  return o;
}

function attributeKey(k: string): string {
  return RESERVED.has(k) ? `attr.${k}` : k;
}

function render(r: DecodedLogRecord, scope: string, cut: Cut): string {
  const o = head(r, scope, cut);
  for (const k of Object.keys(r.attributes)) define(o, attributeKey(k), jsonValue(r.attributes[k], cut));
  if (r.droppedAttributesCount) o.dropped_attributes_count = r.droppedAttributesCount;
  if (cut !== WHOLE) o['podlog.truncated'] = true;
  return JSON.stringify(o);
}

const LIMIT = MAX_LINE_BYTES - 64;

/**
 * The last resort, when even empty values overflow (thousands of keys, or huge keys): keys with
 * emptied values in order while they fit, the rest counted.
 */
function renderKeysThatFit(r: DecodedLogRecord, scope: string): string {
  const last = CUTS[CUTS.length - 1];
  const o = head(r, scope, last);
  o['podlog.truncated'] = true;
  let bytes = Buffer.byteLength(JSON.stringify(o)) + 64; // room for the omitted count
  const keys = Object.keys(r.attributes);
  let kept = 0;
  for (const k of keys) {
    const key = attributeKey(k);
    const value = jsonValue(r.attributes[k], last);
    const add = Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(JSON.stringify(value)) + 2;
    if (bytes + add >= LIMIT) break;
    define(o, key, value);
    bytes += add;
    kept += 1;
  }
  if (kept < keys.length) o['podlog.omitted_attributes'] = keys.length - kept;
  const line = JSON.stringify(o);
  if (Buffer.byteLength(line) < LIMIT) return line;
  // Only a huge logger name could get here.
  return JSON.stringify({ time: isoTime(r.timeUnixNano), level: levelName(r), 'podlog.truncated': true });
}

/** The record as one JSON line (newline included), under {@link MAX_LINE_BYTES}. */
export function formatJsonLine(r: DecodedLogRecord, scope: string): string {
  for (const cut of CUTS) {
    const line = render(r, scope, cut);
    if (Buffer.byteLength(line) < LIMIT) return `${line}\n`;
  }
  return `${renderKeysThatFit(r, scope)}\n`;
}

const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** Colour by severity range (OTel data model: 1-4 TRACE … 21-24 FATAL). */
function severityColor(n: number): string {
  if (n >= 21) return '\x1b[35m';
  if (n >= 17) return '\x1b[31m';
  if (n >= 13) return '\x1b[33m';
  if (n >= 9) return '\x1b[32m';
  if (n >= 5) return '\x1b[36m';
  return '\x1b[90m';
}

/** The severity text, else the name of the severity number's range (`INFO`), else `-`. */
function severityName(r: DecodedLogRecord): string {
  if (r.severityText) return r.severityText;
  if (r.severityNumber >= 1 && r.severityNumber <= 24) {
    return SEVERITY_TEXT[levelOfSeverity(r.severityNumber) as Level];
  }
  return r.severityNumber === 0 ? '-' : String(r.severityNumber);
}

/** Padded, escaped labels by severity text: a logger uses a handful, and this is the hot path. */
const LABELS = new Map<string, string>();

function labelOf(r: DecodedLogRecord): string {
  const name = severityName(r);
  let label = LABELS.get(name);
  if (label === undefined) {
    label = escapeControl(name.toUpperCase()).padEnd(5);
    if (LABELS.size < 64) LABELS.set(name, label);
  }
  return label;
}

/** Pretty lines: bodies may be longer than other values; then the JSON line's cuts, shortest last. */
const PRETTY_CUTS: readonly (readonly [body: Cut, value: Cut])[] = [
  [
    { maxString: 4096, maxItems: 64 },
    { maxString: 1024, maxItems: 64 },
  ],
  ...CUTS.slice(2).map((cut) => [cut, cut] as const),
];
const PRETTY_MAX_CHARS = MAX_LINE_BYTES / 4;

/** Where the human-readable line is shown, beyond the record itself. */
interface PrettyOptions {
  /** Full ISO date and time (`podlog receive`: records from many hosts); default `HH:MM:SS.mmm`. */
  isoTime?: boolean;
  /** Who sent the record, shown after the level, e.g. `checkout/checkout-7d9f`. */
  origin?: string;
  /** Resource attributes, shown on a line of their own (`podlog receive --resource`). */
  resource?: OtlpAttributes;
}

/** `k=v k2="s"` with keys and values escaped; values as JSON, strings cut at `maxString`. */
export function formatAttributes(attributes: OtlpAttributes, maxString: number): string {
  return escapeControl(attributeText(attributes, { maxString, maxItems: Number.POSITIVE_INFINITY }).slice(1));
}

/** ` k=v k2="s"` (each pair after a space, not escaped) for every attribute but `skip`. */
function attributeText(attributes: OtlpAttributes, cut: Cut, skip?: string): string {
  let out = '';
  for (const k of Object.keys(attributes)) {
    if (k !== skip) out += ` ${k}=${JSON.stringify(jsonValue(attributes[k], cut))}`;
  }
  return out;
}

/**
 * The record as one human-readable line (newline included), for local development: the stdout
 * mirror's `pretty` format and `podlog receive`. A stack trace follows on indented lines.
 */
export function formatPrettyLine(
  r: DecodedLogRecord,
  scope: string,
  color: boolean,
  options?: PrettyOptions,
): string {
  const time = options?.isoTime
    ? r.timeUnixNano === 0n
      ? '-'.padEnd(24)
      : isoTime(r.timeUnixNano)
    : isoTime(r.timeUnixNano).slice(11, 23);
  const label = labelOf(r);
  let line = `${color ? `${DIM}${time}${RESET}` : time} ${color ? `${severityColor(r.severityNumber)}${label}${RESET}` : label}`;
  // Assembled raw, then escaped once per part: one regex test each on the hot path. Shorter
  // values until the line fits, keeping every key (as the JSON line does).
  let main = '';
  let tail = '';
  for (const [bodyCut, valueCut] of PRETTY_CUTS) {
    main = '';
    if (options?.origin) main += ` ${options.origin}`;
    if (scope) main += ` [${scope}]`;
    if (r.eventName) main += ` event=${r.eventName}`;
    if (r.body !== undefined) {
      const body = jsonValue(r.body, bodyCut);
      main += ` ${typeof body === 'string' ? body : JSON.stringify(body)}`;
    }
    tail = attributeText(r.attributes, valueCut, 'exception.stacktrace');
    if (r.traceId) tail += ` trace_id=${r.traceId}`;
    if (line.length + main.length + tail.length <= PRETTY_MAX_CHARS) break;
  }
  const stack = r.attributes['exception.stacktrace'];
  if (!color) line += escapeControl(main + tail);
  else line += tail ? `${escapeControl(main)}${DIM}${escapeControl(tail)}${RESET}` : escapeControl(main);
  if (options?.resource) line += `\n    resource: ${formatAttributes(options.resource, 1024)}`;
  if (typeof stack === 'string') {
    for (const l of stack.split(/\r?\n/)) line += `\n    ${escapeControl(l.trim())}`;
  }
  // Still too long (thousands of keys, or a huge stack): cut the line itself.
  if (line.length > PRETTY_MAX_CHARS) line = `${line.slice(0, PRETTY_MAX_CHARS)}…`;
  return `${line}\n`;
}

/**
 * `podlog receive --json`: one exact NDJSON object per record (no newline), values as JSON
 * (int64 as a string beyond 2^53, bytes as base64), nothing cut or escaped beyond JSON's own.
 */
export function formatReceivedJson(
  r: DecodedLogRecord,
  resource: OtlpAttributes,
  scope: string,
  withResource = false,
): string {
  const o: Record<string, unknown> = {
    time: r.timeUnixNano ? isoTime(r.timeUnixNano) : undefined,
    timeUnixNano: r.timeUnixNano.toString(),
    severity: severityName(r),
    severityNumber: r.severityNumber,
    service: resource['service.name'],
    pod: resource['k8s.pod.name'],
    scope: scope || undefined,
    body: r.body === undefined ? undefined : jsonValue(r.body, WHOLE),
    attributes: jsonValue(r.attributes, WHOLE),
    eventName: r.eventName || undefined,
    traceId: r.traceId || undefined,
    spanId: r.spanId || undefined,
  };
  if (withResource) o.resource = jsonValue(resource, WHOLE);
  return JSON.stringify(o);
}
