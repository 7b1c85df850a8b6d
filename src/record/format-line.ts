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
 * an oversized line is re-rendered with shorter strings, then without attributes, and then
 * carries `"podlog.truncated":true`.
 *
 * `pretty`: `18:32:01.123 INFO  [http] request done userId=42 route="/api"`.
 */
import type { DecodedLogRecord, OtlpValue } from '../otlp/types.js';

export const MAX_LINE_BYTES = 16 * 1024;

const RESERVED = new Set(['time', 'level', 'severity', 'logger', 'msg', 'trace_id', 'span_id', 'event']);

function jsonValue(v: OtlpValue | undefined, maxString: number): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
      return v.length > maxString ? `${v.slice(0, maxString)}…` : v;
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
    const b64 = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    return b64.length > maxString ? `${b64.slice(0, maxString)}…` : b64;
  }
  if (Array.isArray(v)) return v.map((x) => jsonValue(x, maxString));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) define(out, k, jsonValue((v as Record<string, OtlpValue>)[k], maxString));
  return out;
}

/** A key named `__proto__` must become data, not a prototype change. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isoTime(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

function levelName(r: DecodedLogRecord): string {
  return r.severityText ? r.severityText.toLowerCase() : String(r.severityNumber);
}

function render(r: DecodedLogRecord, scope: string, maxString: number, withAttributes: boolean): string {
  const o: Record<string, unknown> = {
    time: isoTime(r.timeUnixNano),
    level: levelName(r),
    severity: r.severityNumber,
  };
  if (scope) o.logger = scope;
  if (r.body !== undefined) o.msg = jsonValue(r.body, maxString);
  if (r.eventName) o.event = r.eventName;
  if (r.traceId) o.trace_id = r.traceId;
  if (r.spanId) o.span_id = r.spanId;
  if (withAttributes) {
    for (const k of Object.keys(r.attributes)) {
      define(o, RESERVED.has(k) ? `attr.${k}` : k, jsonValue(r.attributes[k], maxString));
    }
    if (r.droppedAttributesCount) o.dropped_attributes_count = r.droppedAttributesCount;
  } else o['podlog.truncated'] = true;
  return JSON.stringify(o);
}

/** The record as one JSON line (newline included), under {@link MAX_LINE_BYTES}. */
export function formatJsonLine(r: DecodedLogRecord, scope: string): string {
  for (const max of [Number.POSITIVE_INFINITY, 1024, 128]) {
    const line = render(r, scope, max, true);
    if (Buffer.byteLength(line) < MAX_LINE_BYTES - 64) {
      if (max === Number.POSITIVE_INFINITY) return `${line}\n`;
      const o = JSON.parse(line) as Record<string, unknown>;
      o['podlog.truncated'] = true;
      return `${JSON.stringify(o)}\n`;
    }
  }
  for (const max of [4096, 1024, 128]) {
    const line = render(r, scope, max, false);
    if (Buffer.byteLength(line) < MAX_LINE_BYTES - 64) return `${line}\n`;
  }
  return `${JSON.stringify({ time: isoTime(r.timeUnixNano), level: levelName(r), 'podlog.truncated': true })}\n`;
}

const COLORS: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[35m',
};

/** The record as one human-readable line (newline included), for local development. */
export function formatPrettyLine(r: DecodedLogRecord, scope: string, color: boolean): string {
  const time = isoTime(r.timeUnixNano).slice(11, 23);
  const level = levelName(r);
  const label = level.toUpperCase().padEnd(5);
  let line = `${time} ${color ? `${COLORS[level] ?? ''}${label}\x1b[0m` : label}`;
  if (scope) line += ` [${scope}]`;
  if (r.eventName) line += ` event=${r.eventName}`;
  if (r.body !== undefined) {
    const body = jsonValue(r.body, 4096);
    line += ` ${typeof body === 'string' ? body : JSON.stringify(body)}`;
  }
  const stack = r.attributes['exception.stacktrace'];
  for (const k of Object.keys(r.attributes)) {
    if (k === 'exception.stacktrace') continue;
    line += ` ${k}=${JSON.stringify(jsonValue(r.attributes[k], 1024))}`;
  }
  if (r.traceId) line += ` trace_id=${r.traceId}`;
  if (typeof stack === 'string') line += `\n    ${stack.split('\n').join('\n    ')}`;
  if (line.length > MAX_LINE_BYTES / 4) line = `${line.slice(0, MAX_LINE_BYTES / 4)}…`;
  return `${line}\n`;
}
