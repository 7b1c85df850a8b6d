/**
 * podlog as an OpenTelemetry Logs API `LoggerProvider`: records emitted through
 * `logs.getLogger(name).emit(...)` (by instrumentations such as instrumentation-winston, -pino,
 * -bunyan, or by libraries) go through podlog's facade, queue, batching, export and spool.
 */
import { isSpanContextValid, context as otelContext, type SpanContext, trace } from '@opentelemetry/api';
import type {
  LoggerProvider,
  LogRecord,
  Logger as OtelLogger,
  LoggerOptions as OtelLoggerOptions,
} from '@opentelemetry/api-logs';
import type { ForeignRecord, ForeignScope } from '../../logger/foreign-record.js';
import { EMIT_FOREIGN, type Logger } from '../../logger/logger.js';
import { isErrorValue } from '../../record/error-entries.js';
import { SEVERITY_TEXT } from '../../record/level-table.js';
import { ownEntries, readProperty, THROWING_GETTER } from '../../record/read-property.js';
import { levelForSeverity, msToNanos } from '../foreign.js';
import { PODLOG_PROVIDER } from './global-state.js';

/** Options shared by podlog's OTel entry points (the provider and the log record processor). */
export interface OtelBridgeOptions {
  /**
   * Also filter bridged records by podlog's level. Default `false`: a record that an
   * instrumentation or library emitted was already filtered by its source logger's level (pino
   * at `debug` sends debug records, and podlog keeps them); podlog's level governs podlog's own
   * log calls. podlog's rate limiter (`rateLimit`) applies either way.
   */
  applyLevel?: boolean;
}

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

/**
 * @internal What an OTel log record (the Logs API's or the SDK's) gives every podlog record: its
 * severity (a record without a text gets the OTel short name of its range), body, event name and
 * times, and its span context when valid, else `null` (the record is in no span; the active one
 * must not be used instead). `applyLevel`: see {@link OtelBridgeOptions}.
 */
export function fromOtelRecord(
  record: { severityNumber?: unknown; severityText?: unknown; body?: unknown; eventName?: string },
  time: unknown,
  observedTime: unknown,
  sc: SpanContext | undefined,
  applyLevel: boolean,
): ForeignRecord {
  const n = typeof record.severityNumber === 'number' ? record.severityNumber : 0;
  const text = record.severityText;
  return {
    severityNumber: n,
    severityText: typeof text === 'string' ? text : n > 0 ? SEVERITY_TEXT[levelForSeverity(n)] : '',
    body: record.body,
    eventName: record.eventName,
    timeUnixNano: timeInputToNanos(time),
    observedTimeUnixNano: timeInputToNanos(observedTime),
    spanContext:
      sc !== undefined && isSpanContextValid(sc)
        ? { traceId: sc.traceId, spanId: sc.spanId, traceFlags: sc.traceFlags }
        : null,
    ignoreLevel: !applyLevel,
  };
}

/**
 * @internal `enabled()` of the bridges: without `applyLevel` every record is kept (its source
 * logger filtered it already).
 */
export function bridgeEnabled(logger: Logger, applyLevel: boolean, options: unknown): boolean {
  if (!applyLevel) return true;
  const n = (options as { severityNumber?: unknown } | undefined)?.severityNumber;
  return logger.isLevelEnabled(levelForSeverity(typeof n === 'number' ? n : 0));
}

/**
 * An OTel `exception` value → podlog's exception (an Error: podlog writes `exception.type`,
 * `.message`, `.stacktrace` and its own properties such as `exception.code`) or the same
 * semantic-convention attributes for a plain object. A plain object is what pino's and bunyan's
 * error serializers make of an Error: `{ type, message, stack, code }`. Returns the record's
 * `exception` and its `attributes` with those added.
 */
function withException(
  value: unknown,
  attributes: object | undefined,
): Pick<ForeignRecord, 'exception' | 'attributes'> {
  if (isErrorValue(value)) return { exception: value, attributes };
  if (typeof value === 'string' || typeof value === 'number')
    return { attributes: { ...attributes, 'exception.message': String(value) } };
  if (value === null || typeof value !== 'object') return { attributes };
  const v = value as { type?: unknown; name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
  const out: Record<string, unknown> = { ...attributes };
  const type = typeof v.type === 'string' ? v.type : v.name;
  if (typeof type === 'string') out['exception.type'] = type;
  if (typeof v.message === 'string') out['exception.message'] = v.message;
  if (typeof v.stack === 'string') out['exception.stacktrace'] = v.stack;
  if (typeof v.code === 'string' || typeof v.code === 'number') out['exception.code'] = v.code;
  return { attributes: out };
}

/** An OTel Logs API `Logger` writing into a podlog logger. */
export class PodlogOtelLogger implements OtelLogger {
  readonly #scope: ForeignScope;
  readonly #applyLevel: boolean;

  /**
   * @param podlog The podlog logger records are written into.
   * @param scope The instrumentation scope of the records (default: the podlog logger's).
   * @param options `applyLevel`: see {@link OtelBridgeOptions}.
   */
  constructor(
    readonly podlog: Logger,
    scope?: ForeignScope,
    options: OtelBridgeOptions = {},
  ) {
    this.#scope = scope ?? { name: podlog.name };
    this.#applyLevel = options.applyLevel === true;
  }

  emit(record: LogRecord): void {
    try {
      const sc = trace.getSpanContext(record.context ?? otelContext.active());
      this.podlog[EMIT_FOREIGN]({
        ...fromOtelRecord(record, record.timestamp, record.observedTimestamp, sc, this.#applyLevel),
        ...withException(record.exception, record.attributes),
        scope: this.#scope,
      });
    } catch {
      // emit() must never throw into an instrumentation.
    }
  }

  enabled(options?: { severityNumber?: number }): boolean {
    return bridgeEnabled(this.podlog, this.#applyLevel, options);
  }
}

/**
 * An OTel Logs API `LoggerProvider` backed by a podlog logger. `getLogger(name, version,
 * { scopeAttributes, schemaUrl })` returns a logger whose records carry that instrumentation
 * scope (name, version, attributes) and schema URL.
 */
export class PodlogLoggerProvider implements LoggerProvider {
  /** @internal Marks podlog's provider, for the setup-order checks in register.ts and processor.ts. */
  readonly [PODLOG_PROVIDER] = true;
  readonly #loggers = new Map<string, PodlogOtelLogger>();
  readonly #options: OtelBridgeOptions;

  /**
   * @param logger The podlog logger behind every logger this provider hands out.
   * @param options `applyLevel`: see {@link OtelBridgeOptions}.
   */
  constructor(
    readonly logger: Logger,
    options: OtelBridgeOptions = {},
  ) {
    this.#options = { ...options };
  }

  getLogger(name: string, version?: string, options?: OtelLoggerOptions): PodlogOtelLogger {
    const scopeName = String(name ?? '');
    const scopeVersion = typeof version === 'string' ? version : '';
    const url = options ? readProperty(options, 'schemaUrl') : undefined;
    const schemaUrl = typeof url === 'string' ? url : '';
    const attributes = scopeAttributesOf(options);
    const key = `${scopeName}\u0000${scopeVersion}\u0000${schemaUrl}\u0000${attributesKey(attributes)}`;
    let found = this.#loggers.get(key);
    if (!found) {
      // A child named like the scope: podlog's per-name levels (setLevel, annotations) reach it.
      const child = this.logger.child({}, { name: scopeName, version: scopeVersion });
      const scope: ForeignScope = { name: scopeName, version: scopeVersion, schemaUrl, attributes };
      found = new PodlogOtelLogger(child, scope, this.#options);
      this.#loggers.set(key, found);
    }
    return found;
  }
}

/**
 * The scope attributes, `attributes` (api-logs 0.2xx) or `scopeAttributes` (older api-logs), as
 * a plain copy taken now: the caller's object may have throwing getters or be a revoked Proxy,
 * and `getLogger` must not throw (OTel API rule); an unreadable object counts as none.
 */
function scopeAttributesOf(options: OtelLoggerOptions | undefined): object | undefined {
  if (options === null || typeof options !== 'object') return undefined;
  const given = readProperty(options, 'scopeAttributes');
  const attrs = given === undefined || given === null ? readProperty(options, 'attributes') : given;
  if (attrs === null || typeof attrs !== 'object' || attrs === THROWING_GETTER) return undefined;
  return Object.fromEntries(ownEntries(attrs));
}

function attributesKey(attributes: object | undefined): string {
  if (attributes === undefined) return '';
  try {
    return JSON.stringify(attributes) ?? '';
  } catch {
    return String(Object.keys(attributes));
  }
}
