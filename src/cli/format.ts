/**
 * How `podlog receive` prints a record: one readable line (plus an indented stack trace when the
 * record carries one), or one NDJSON object per record with `--json`.
 */
import type { DecodedLogRecord, OtlpAttributes, OtlpValue } from '../otlp/types.js';

/** A received record with the resource attributes and scope name of its group. */
export type PrintableRecord = DecodedLogRecord & { resource: OtlpAttributes; scope: string };

export interface FormatOptions {
  json: boolean;
  color: boolean;
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

const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

function severityLabel(rec: DecodedLogRecord): string {
  if (rec.severityText) return rec.severityText;
  if (rec.severityNumber >= 1 && rec.severityNumber <= 24) {
    return SEVERITY_NAMES[Math.floor((rec.severityNumber - 1) / 4)];
  }
  return rec.severityNumber === 0 ? '-' : String(rec.severityNumber);
}

/** Decoded values → plain JSON values (int64 as string when unsafe, bytes as base64). */
export function toJsonSafe(value: OtlpValue | undefined): unknown {
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSafe(v)]));
  }
  return value;
}

function isoTime(ns: bigint): string {
  if (ns === 0n) return '-'.padEnd(24);
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** One record as text: `time SEVERITY service/pod scope: body {attrs}` or an NDJSON line. */
export function formatRecord(rec: PrintableRecord, options: FormatOptions): string {
  const service = rec.resource['service.name'];
  const pod = rec.resource['k8s.pod.name'];
  if (options.json) {
    return JSON.stringify({
      time: rec.timeUnixNano ? isoTime(rec.timeUnixNano) : undefined,
      timeUnixNano: rec.timeUnixNano.toString(),
      severity: severityLabel(rec),
      severityNumber: rec.severityNumber,
      service,
      pod,
      scope: rec.scope || undefined,
      body: toJsonSafe(rec.body),
      attributes: toJsonSafe(rec.attributes),
      eventName: rec.eventName || undefined,
      traceId: rec.traceId || undefined,
      spanId: rec.spanId || undefined,
    });
  }
  const sev = severityLabel(rec).padEnd(5);
  const sevOut = options.color ? `${severityColor(rec.severityNumber)}${sev}${RESET}` : sev;
  const who = [service, pod].filter((v) => v !== undefined && v !== '').join('/');
  const scope = rec.scope ? ` ${rec.scope}:` : '';
  const event = rec.eventName ? ` [${rec.eventName}]` : '';
  const body =
    rec.body === undefined
      ? ''
      : typeof rec.body === 'string'
        ? rec.body
        : JSON.stringify(toJsonSafe(rec.body));
  // The stack goes on its own indented lines; repeating it inside the attribute JSON is noise.
  const { 'exception.stacktrace': stack, ...rest } = rec.attributes;
  const attrs = Object.keys(rest).length > 0 ? ` ${JSON.stringify(toJsonSafe(rest))}` : '';
  const trace = rec.traceId ? ` trace=${rec.traceId.slice(0, 8)}…` : '';
  const dim = (s: string) => (options.color && s ? `${DIM}${s}${RESET}` : s);
  const text = body === '' ? '' : ` ${body}`;
  let line = `${dim(isoTime(rec.timeUnixNano))} ${sevOut} ${who}${scope}${event}${text}${dim(attrs + trace)}`;
  if (typeof stack === 'string' && stack) {
    line += `\n${stack
      .split('\n')
      .map((l) => `    ${l.trim()}`)
      .join('\n')}`;
  }
  return line;
}
