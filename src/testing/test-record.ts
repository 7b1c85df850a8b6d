/**
 * The shape the testing kit gives every captured record: the decoded OTLP record flattened with
 * its resource and scope, plus a podlog level name for easy filtering.
 */
import type { DecodedLogRecord, DecodedLogsRequest, OtlpAttributes } from '../otlp/types.js';
import { type Level, levelOfSeverity } from '../record/level-table.js';

/**
 * One captured record: the decoded record (all but `droppedAttributesCount`) with its resource
 * and scope. Integers that fit a JS number come out as numbers; larger ones as bigint.
 */
export interface TestRecord extends Omit<DecodedLogRecord, 'droppedAttributesCount'> {
  /** podlog level of the severity range (`info` for 9..12), or `unspecified` for severity 0. */
  level: Level | 'unspecified';
  /** Resource attributes (`service.name`, `k8s.pod.name`, …). */
  resource: OtlpAttributes;
  /** Instrumentation scope name (the logger name). */
  scope: string;
  /** Instrumentation scope version (`''` when none, e.g. an OTel instrumentation's version). */
  scopeVersion: string;
  /** Record time (millisecond precision); see `timeUnixNano` for the exact value. */
  time: Date;
}

/** podlog level of an OTel severity number: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal. */
export function levelOf(severityNumber: number): TestRecord['level'] {
  return levelOfSeverity(severityNumber) ?? 'unspecified';
}

/** Flattens a decoded request into test records, in order. */
export function toTestRecords(request: DecodedLogsRequest): TestRecord[] {
  const out: TestRecord[] = [];
  for (const rl of request.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const { droppedAttributesCount, ...r } of sl.logRecords) {
        out.push({
          level: levelOf(r.severityNumber),
          ...r,
          resource: rl.resource.attributes,
          scope: sl.scope.name,
          scopeVersion: sl.scope.version,
          time: new Date(Number(r.timeUnixNano / 1_000_000n)),
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
