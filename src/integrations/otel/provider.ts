/**
 * podlog as an OpenTelemetry Logs API `LoggerProvider`: records emitted through
 * `logs.getLogger(name).emit(...)` (by instrumentations such as instrumentation-winston, -pino,
 * -bunyan, or by libraries) go through podlog's facade, queue, batching, export and spool.
 */
import { type Context, isSpanContextValid, context as otelContext, trace } from '@opentelemetry/api';
import type {
  LoggerProvider,
  LogRecord,
  Logger as OtelLogger,
  LoggerOptions as OtelLoggerOptions,
} from '@opentelemetry/api-logs';
import type { Logger } from '../../logger/logger.js';
import { emitForeign, isError, levelForSeverity, msToNanos } from '../foreign.js';

const SEVERITY_TEXTS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** OTel `TimeInput` (HrTime, Date, or milliseconds: epoch or `performance.now()`-relative) → ns. */
export function timeInputToNanos(time: unknown): bigint | undefined {
  if (time === undefined || time === null) return undefined;
  if (Array.isArray(time) && time.length === 2) {
    const [s, ns] = time as [number, number];
    return BigInt(Math.trunc(s)) * 1_000_000_000n + BigInt(Math.trunc(ns));
  }
  if (time instanceof Date) return msToNanos(time.getTime());
  if (typeof time === 'number' && Number.isFinite(time) && time >= 0) {
    // The OTel SDK reads small numbers as relative to the time origin (a performance.now() value).
    return msToNanos(time < performance.timeOrigin ? performance.timeOrigin + time : time);
  }
  return undefined;
}

function spanContextOf(ctx: Context): { traceId: string; spanId: string; traceFlags: number } | null {
  const sc = trace.getSpanContext(ctx);
  return sc && isSpanContextValid(sc)
    ? { traceId: sc.traceId, spanId: sc.spanId, traceFlags: sc.traceFlags }
    : null;
}

function exceptionOf(value: unknown): { exception?: Error; attributes?: Record<string, unknown> } {
  if (value === undefined || value === null) return {};
  if (isError(value)) return { exception: value };
  if (typeof value === 'string' || typeof value === 'number')
    return { attributes: { 'exception.message': String(value) } };
  if (typeof value === 'object') {
    const v = value as { name?: unknown; message?: unknown; stack?: unknown };
    const attributes: Record<string, unknown> = {};
    if (typeof v.name === 'string') attributes['exception.type'] = v.name;
    if (typeof v.message === 'string') attributes['exception.message'] = v.message;
    if (typeof v.stack === 'string') attributes['exception.stacktrace'] = v.stack;
    return { attributes };
  }
  return {};
}

/** An OTel Logs API `Logger` writing into a podlog logger. */
export class PodlogOtelLogger implements OtelLogger {
  /** @param podlog The podlog logger records are written into. */
  constructor(readonly podlog: Logger) {}

  emit(record: LogRecord): void {
    try {
      const severityNumber = typeof record.severityNumber === 'number' ? record.severityNumber : 0;
      const { exception, attributes: exceptionAttributes } = exceptionOf(record.exception);
      const attributes =
        exceptionAttributes !== undefined
          ? { ...record.attributes, ...exceptionAttributes }
          : record.attributes;
      emitForeign(this.podlog, {
        severityNumber,
        severityText:
          record.severityText ??
          (severityNumber > 0 ? SEVERITY_TEXTS[Math.min(5, Math.floor((severityNumber - 1) / 4))] : ''),
        body: record.body,
        attributes,
        exception,
        timeUnixNano: timeInputToNanos(record.timestamp),
        observedTimeUnixNano: timeInputToNanos(record.observedTimestamp),
        spanContext: spanContextOf(record.context ?? otelContext.active()),
        eventName: record.eventName,
      });
    } catch {
      // emit() must never throw into an instrumentation.
    }
  }

  enabled(options?: { severityNumber?: number }): boolean {
    const n = options?.severityNumber;
    return this.podlog.isLevelEnabled(levelForSeverity(typeof n === 'number' ? n : 0));
  }
}

/**
 * An OTel Logs API `LoggerProvider` backed by a podlog logger. `getLogger(name)` returns a logger
 * whose records carry `name` as their instrumentation scope.
 */
export class PodlogLoggerProvider implements LoggerProvider {
  readonly #loggers = new Map<string, PodlogOtelLogger>();

  /** @param logger The podlog logger behind every logger this provider hands out. */
  constructor(readonly logger: Logger) {}

  getLogger(name: string, version?: string, _options?: OtelLoggerOptions): PodlogOtelLogger {
    // The scope carries name and version; scope attributes (`options.scopeAttributes`) are not recorded.
    const scopeName = String(name ?? '');
    const scopeVersion = typeof version === 'string' ? version : '';
    const key = `${scopeName}\u0000${scopeVersion}`;
    let found = this.#loggers.get(key);
    if (!found) {
      found = new PodlogOtelLogger(this.logger.child({}, { name: scopeName, version: scopeVersion }));
      this.#loggers.set(key, found);
    }
    return found;
  }
}
