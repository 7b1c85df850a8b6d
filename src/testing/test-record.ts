/**
 * The shape the testing kit gives every captured record: the decoded OTLP record flattened with
 * its resource and scope, plus a podlog level name for easy filtering.
 */
import type { DecodedLogsRequest, OtlpAttributes, OtlpValue } from '../otlp/types.js';
import { LEVELS, type Level } from '../record/level-table.js';

/** One captured record. Integers that fit a JS number come out as numbers; larger ones as bigint. */
export interface TestRecord {
  /** podlog level of the severity range (`info` for 9..12), or `unspecified` for severity 0. */
  level: Level | 'unspecified';
  /** OTel severity number, 1–24 (0: unspecified). */
  severityNumber: number;
  /** Severity as text, e.g. `INFO`. */
  severityText: string;
  /** The message (or whatever body the record has), `undefined` when absent. */
  body: OtlpValue | undefined;
  /** The record's attributes (fields, bindings, `exception.*`). int64 values as numbers when safe. */
  attributes: OtlpAttributes;
  /** Resource attributes (`service.name`, `k8s.pod.name`, …). */
  resource: OtlpAttributes;
  /** Instrumentation scope name (the logger name). */
  scope: string;
  /** Instrumentation scope version (`''` when none, e.g. an OTel instrumentation's version). */
  scopeVersion: string;
  /** Lower-case hex, `''` when absent. */
  traceId: string;
  /** Lower-case hex, `''` when absent. */
  spanId: string;
  /** `''` when absent. */
  eventName: string;
  /** Record time (millisecond precision); see `timeUnixNano` for the exact value. */
  time: Date;
  /** Record time, ns since the Unix epoch. */
  timeUnixNano: bigint;
  /** When the record was observed (the log call), ns since the Unix epoch. */
  observedTimeUnixNano: bigint;
  /** W3C trace flags (low 8 bits), 0 when absent. */
  flags: number;
}

/** podlog level of an OTel severity number: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal. */
export function levelOf(severityNumber: number): TestRecord['level'] {
  if (severityNumber < 1) return 'unspecified';
  return LEVELS[Math.min(LEVELS.length - 1, Math.floor((severityNumber - 1) / 4))];
}

/** Flattens a decoded request into test records, in order. */
export function toTestRecords(request: DecodedLogsRequest): TestRecord[] {
  const out: TestRecord[] = [];
  for (const rl of request.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        out.push({
          level: levelOf(r.severityNumber),
          severityNumber: r.severityNumber,
          severityText: r.severityText,
          body: r.body,
          attributes: r.attributes,
          resource: rl.resource.attributes,
          scope: sl.scope.name,
          scopeVersion: sl.scope.version,
          traceId: r.traceId,
          spanId: r.spanId,
          eventName: r.eventName,
          time: new Date(Number(r.timeUnixNano / 1_000_000n)),
          timeUnixNano: r.timeUnixNano,
          observedTimeUnixNano: r.observedTimeUnixNano,
          flags: r.flags,
        });
      }
    }
  }
  return out;
}

/** Matches a record against `find(level?, bodyPattern?)`. A string pattern matches a substring of a string body. */
export function matches(record: TestRecord, level?: string, bodyPattern?: string | RegExp): boolean {
  if (level !== undefined && record.level !== level) return false;
  if (bodyPattern === undefined) return true;
  const body = typeof record.body === 'string' ? record.body : JSON.stringify(record.body, jsonReplacer);
  if (body === undefined) return false;
  if (typeof bodyPattern === 'string') return body.includes(bodyPattern);
  bodyPattern.lastIndex = 0; // a /g or /y pattern keeps state between calls
  return bodyPattern.test(body);
}

/** For `JSON.stringify` of decoded values: a bigint as its digits. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
