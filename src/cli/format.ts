import type { DecodedLogRecord, OtlpAttributes, OtlpValue } from '../otlp/types.js';

export type PrintableRecord = DecodedLogRecord & { resource: OtlpAttributes; scope: string };

const COLORS: Record<string, string> = {
  TRACE: '\x1b[90m',
  DEBUG: '\x1b[36m',
  INFO: '\x1b[32m',
  WARN: '\x1b[33m',
  ERROR: '\x1b[31m',
  FATAL: '\x1b[35m',
};

function toJsonSafe(value: OtlpValue | undefined): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSafe(v)]));
  }
  return value;
}

function isoTime(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** One record as a line: readable (`time SEVERITY service/pod scope: body {attrs}`) or NDJSON. */
export function formatRecord(rec: PrintableRecord, options: { json: boolean; color: boolean }): string {
  const who = [rec.resource['service.name'], rec.resource['k8s.pod.name']].filter(Boolean).join('/');
  if (options.json) {
    return JSON.stringify({
      time: isoTime(rec.timeUnixNano),
      severity: rec.severityText,
      severityNumber: rec.severityNumber,
      service: rec.resource['service.name'],
      pod: rec.resource['k8s.pod.name'],
      scope: rec.scope || undefined,
      body: toJsonSafe(rec.body),
      attributes: toJsonSafe(rec.attributes),
      eventName: rec.eventName || undefined,
      traceId: rec.traceId || undefined,
      spanId: rec.spanId || undefined,
    });
  }
  const sev = (rec.severityText || String(rec.severityNumber)).padEnd(5);
  const sevOut = options.color ? `${COLORS[rec.severityText] ?? ''}${sev}\x1b[0m` : sev;
  const attrs =
    Object.keys(rec.attributes).length > 0 ? ` ${JSON.stringify(toJsonSafe(rec.attributes))}` : '';
  const body = typeof rec.body === 'string' ? rec.body : JSON.stringify(toJsonSafe(rec.body));
  const scope = rec.scope ? ` ${rec.scope}:` : '';
  return `${isoTime(rec.timeUnixNano)} ${sevOut} ${who}${scope} ${body ?? ''}${attrs}`;
}
