/**
 * The facade: what application code calls, in every request handler. A call below the level
 * returns after two integer compares and allocates nothing; an enabled call encodes the
 * record straight into bytes (no intermediate object) and hands it to the sink. No call
 * throws, whatever it is given.
 */
import type { RecordSink } from '../batch/types.js';
import { InvalidOptionError } from '../errors.js';
import { type ClockReading, fixed64Words, readClock } from '../record/clock.js';
import { type EncodedBindings, encodeBindings } from '../record/encode-bindings.js';
import { encodeParts } from '../record/encode-record.js';
import { readProperty } from '../record/read-property.js';
import { newRecordParts, type RecordParts } from '../record/record-parts.js';
import type { Redactor } from '../record/redact.js';
import {
  isLevel,
  LEVELS,
  type Level,
  type LevelOrSilent,
  levelThreshold,
  SEVERITY_NUMBER,
  SEVERITY_TEXT,
} from '../record/severity.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../record/types.js';
import type { ValueLimits } from '../record/value-limits.js';
import type { StatsSnapshot } from '../stats.js';
import type { LevelRegistry } from './level-registry.js';
import type { RateLimiter } from './rate-limit.js';
import type { RuntimeLevels } from './runtime-levels.js';
import type { ActiveSpanContext } from './trace-context.js';

/** Structured fields of one record. Own enumerable keys become OTLP attributes. */
export type Fields = Record<string, unknown>;

/**
 * A log method. Forms:
 * - `log.info('message', { fields })`: podlog's own order;
 * - `log.info({ fields }, 'message')`: pino's order;
 * - `log.error(err)`, `log.error(err, 'message')`, `log.error(err, { fields })`,
 *   `log.error('message', err)`: the Error becomes the record's `exception.*` attributes and,
 *   without a message, its message is the body.
 */
export interface LogFn {
  (message: string, fields?: Fields | Error): void;
  (fields: Fields | Error, message?: string): void;
  (error: Error, fields?: Fields): void;
  (value: unknown, extra?: unknown): void;
}

/** Options of {@link Logger.child}. */
export interface ChildOptions {
  /** Instrumentation scope of the child's records. Default: the parent's. */
  name?: string;
  /** The child's own level. Default: follow the parent. */
  level?: LevelOrSilent;
}

/**
 * @internal A record that comes from another logging API (winston, the OTel Logs API): its
 * severity, time, trace context and event name are given, not taken from the call.
 */
export interface ForeignRecord {
  severityNumber: number;
  severityText: string;
  body?: unknown;
  /** Own enumerable keys become attributes (redacted and limited like fields). */
  attributes?: object;
  exception?: Error;
  /** Default: now. */
  timeUnixNano?: bigint;
  /** Default: now. */
  observedTimeUnixNano?: bigint;
  /** `undefined`: the active span's, as for a log call; `null`: none. */
  spanContext?: { traceId: string; spanId: string; traceFlags: number } | null;
  eventName?: string;
}

/** @internal Key of {@link Logger}'s method for integrations (shared by the ESM and CJS builds). */
export const EMIT_FOREIGN: unique symbol = Symbol.for('podlog.emitForeign') as never;

/** State shared by a logger and all its children. */
export interface LoggerCore {
  readonly sink: RecordSink<EncodedRecord>;
  readonly resource: () => EncodedResource;
  readonly onError: (err: unknown) => void;
  readonly levels: LevelRegistry;
  readonly limits: Readonly<ValueLimits>;
  readonly redactor: Redactor;
  readonly spanContext: ActiveSpanContext;
  /** Encoded scopes by logger name: one per name, so records of one name group together. */
  readonly scopes: Map<string, EncodedScope>;
  /** The log-storm limiter (`rateLimit` option); undefined when off. */
  readonly limiter?: RateLimiter;
  /** Run-time level control behind {@link Logger.setLevel}; without it, setLevel sets the registry directly. */
  readonly runtime?: RuntimeLevels;
}

/** Options of {@link Logger.setLevel}. */
export interface SetLevelOptions {
  /**
   * Set the level of the loggers with this name (and names below it: `http` covers
   * `http.client`), across every logger of this `createLogger`, instead of this logger's.
   */
  logger?: string;
}

const LEVEL_CHOICES = `one of ${[...LEVELS, 'silent'].join(', ')}`;

function scopeFor(core: LoggerCore, name: string, encode: (name: string) => EncodedScope): EncodedScope {
  let scope = core.scopes.get(name);
  if (scope === undefined) {
    scope = encode(name);
    core.scopes.set(name, scope);
  }
  return scope;
}

/** Scratch space of enabled calls (one per process: calls are synchronous). */
const parts: RecordParts = newRecordParts();
const clock: ClockReading = { ms: 0, nanos: 0 };
const words = { lo: 0, hi: 0 };

function isError(value: unknown): value is Error {
  if (value === null || typeof value !== 'object') return false;
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
  } catch {
    return false;
  }
}

function setForeignTimes(foreign: ForeignRecord): void {
  const t = foreign.timeUnixNano;
  if (typeof t === 'bigint' && t > 0n) {
    parts.timeLo = Number(t & 0xffffffffn);
    parts.timeHi = Number((t >> 32n) & 0xffffffffn);
  }
  const o = foreign.observedTimeUnixNano;
  if (typeof o === 'bigint' && o > 0n) {
    parts.observedLo = Number(o & 0xffffffffn);
    parts.observedHi = Number((o >> 32n) & 0xffffffffn);
  }
}

/** A plain-ish object to use as fields (pino order); arrays, bytes and hostile Proxies are bodies. */
function isFieldsObject(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  try {
    return !Array.isArray(value) && !ArrayBuffer.isView(value);
  } catch {
    return false; // revoked Proxy: the encoder writes it as "[Unserializable]"
  }
}

/**
 * The level registry shared by `log` and all loggers derived from it: the hook for run-time
 * level control by logger name (`registry.setOverride('http', 'debug')`, see
 * level-registry.ts). Internal: not part of the public API.
 */
export let levelRegistryOf: (log: Logger) => LevelRegistry;

/**
 * @internal Writes a record through `log` past its level and the rate limiter: podlog's own
 * records about run-time control (level changes, suppression summaries).
 */
export let writeUnfiltered: (log: Logger, record: ForeignRecord) => void;

/** The message template of a call (the rate limiter's key): its message string as written. */
function templateOf(a: unknown, b: unknown): string {
  return typeof a === 'string' ? a : typeof b === 'string' ? b : '';
}

/** A podlog logger. Create one with `createLogger`; derive children with {@link Logger.child}. */
export class Logger {
  static {
    levelRegistryOf = (log) => log.#core.levels;
    writeUnfiltered = (log, r) =>
      log.#write(r.severityNumber, r.severityText, r.body, r.attributes, r.exception, r.eventName, r);
  }

  readonly trace: LogFn;
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  readonly fatal: LogFn;

  readonly #core: LoggerCore;
  readonly #parent: Logger | undefined;
  readonly #scope: EncodedScope;
  readonly #bindings: EncodedBindings | undefined;
  readonly #encodeScope: (name: string) => EncodedScope;
  /** Level set on this object, if any (see level-registry.ts for precedence). */
  #own: LevelOrSilent | undefined;
  #effective: LevelOrSilent = 'info';
  #threshold = 0;
  #generation = -1;

  /** @internal Use `createLogger` or {@link Logger.child}. */
  constructor(
    core: LoggerCore,
    scope: EncodedScope,
    encodeScope: (name: string) => EncodedScope,
    bindings?: EncodedBindings,
    parent?: Logger,
    level?: LevelOrSilent,
  ) {
    this.#core = core;
    this.#scope = scope;
    this.#encodeScope = encodeScope;
    this.#bindings = bindings !== undefined && bindings.count + bindings.dropped > 0 ? bindings : undefined;
    this.#parent = parent;
    this.#own = level;
    this.trace = this.#method(SEVERITY_NUMBER.trace, SEVERITY_TEXT.trace);
    this.debug = this.#method(SEVERITY_NUMBER.debug, SEVERITY_TEXT.debug);
    this.info = this.#method(SEVERITY_NUMBER.info, SEVERITY_TEXT.info);
    this.warn = this.#method(SEVERITY_NUMBER.warn, SEVERITY_TEXT.warn);
    this.error = this.#method(SEVERITY_NUMBER.error, SEVERITY_TEXT.error);
    this.fatal = this.#method(SEVERITY_NUMBER.fatal, SEVERITY_TEXT.fatal);
  }

  /**
   * The minimum level recorded. Setting it changes this logger and every child that has no
   * level of its own, at once (also children created before). Throws `InvalidOptionError`
   * for an unknown level.
   */
  get level(): LevelOrSilent {
    this.#sync();
    return this.#effective;
  }

  set level(level: LevelOrSilent) {
    if (level !== 'silent' && !isLevel(level)) throw new InvalidOptionError('level', level, LEVEL_CHOICES);
    if (this.#parent === undefined) this.#core.levels.base = level;
    else {
      this.#own = level;
      this.#core.levels.touch();
    }
  }

  /**
   * Changes a level at run time, like the `podlog.dev/level` annotations do; each change is
   * logged once (`podlog level changed: info → debug (setLevel)`).
   *
   * - `log.setLevel('debug')` on the root logger: the default level of every logger without
   *   a level of its own; on a child: that child's level (as `child.level = …`).
   * - `log.setLevel('debug', { logger: 'http' })`: every logger named `http` (or
   *   `http.<anything>`), wherever it was created, over their own levels.
   * - `null` undoes: back to the configured level (`level` option, `PODLOG_LEVEL`).
   *
   * A pod annotation for the same name wins while it is present. Throws `InvalidOptionError`
   * for an unknown level or an empty logger name.
   *
   * @example
   * log.setLevel('debug', { logger: 'http' });
   * log.setLevel(null, { logger: 'http' });
   */
  setLevel(level: LevelOrSilent | null, options?: SetLevelOptions): void {
    if (level !== null && level !== 'silent' && !isLevel(level)) {
      throw new InvalidOptionError('setLevel level', level, `${LEVEL_CHOICES}, or null`);
    }
    const core = this.#core;
    const name = options?.logger;
    if (name !== undefined) {
      if (typeof name !== 'string' || name === '') {
        throw new InvalidOptionError('setLevel logger', name, 'a non-empty logger name');
      }
      if (core.runtime !== undefined) core.runtime.setNamed(name, level);
      else core.levels.setOverride(name, level ?? undefined);
    } else if (this.#parent !== undefined) {
      this.#own = level ?? undefined;
      core.levels.touch();
    } else if (core.runtime !== undefined) core.runtime.setBase(level);
    else if (level !== null) core.levels.base = level;
  }

  /** The logger's name: the instrumentation scope of its records. */
  get name(): string {
    return this.#scope.name;
  }

  /** True when a call at `level` would be recorded. */
  isLevelEnabled(level: Level): boolean {
    this.#sync();
    const n = SEVERITY_NUMBER[level as Level];
    return n !== undefined && n >= this.#threshold;
  }

  /**
   * A logger whose records all carry `bindings` (converted once, here). A child of a child
   * has both sets; a child's key replaces its parent's. `name` sets the instrumentation scope.
   */
  child(bindings: Fields, options: ChildOptions = {}): Logger {
    const core = this.#core;
    const level = options?.level;
    if (level !== undefined && level !== 'silent' && !isLevel(level)) {
      throw new InvalidOptionError('child level', level, LEVEL_CHOICES);
    }
    const name = options?.name;
    const scope = typeof name === 'string' ? scopeFor(core, name, this.#encodeScope) : this.#scope;
    const encoded = encodeBindings(bindings, this.#bindings, core.limits, core.redactor);
    return new Logger(core, scope, this.#encodeScope, encoded, this, level);
  }

  /**
   * Writes an event: a record with the OTLP `event_name` field, at INFO severity (so it
   * follows the `info` level). `fields` become attributes.
   */
  event(name: string, fields?: Fields): void {
    this.#sync();
    if (SEVERITY_NUMBER.info < this.#threshold) return;
    let eventName: string;
    try {
      eventName = String(name);
    } catch {
      eventName = '[Unserializable]'; // a name whose toString throws: a log call never throws
    }
    this.#write(SEVERITY_NUMBER.info, SEVERITY_TEXT.info, undefined, fields, undefined, eventName);
  }

  /**
   * @internal For podlog's integrations: writes a record from another logging API, filtered
   * by this logger's level like any call. Never throws.
   */
  [EMIT_FOREIGN](record: ForeignRecord): void {
    try {
      this.#sync();
      // An unspecified severity (0) is filtered as INFO: it cannot be below or above anything.
      const n = record.severityNumber > 0 ? record.severityNumber : SEVERITY_NUMBER.info;
      if (!(n >= this.#threshold)) return;
      const limiter = this.#core.limiter;
      if (
        limiter !== undefined &&
        !limiter.admit(
          this.#scope,
          n,
          record.severityText,
          typeof record.body === 'string' ? record.body : '',
        )
      ) {
        return;
      }
      this.#write(
        record.severityNumber,
        record.severityText,
        record.body,
        record.attributes,
        record.exception,
        record.eventName,
        record,
      );
    } catch (err) {
      this.#core.onError(err);
    }
  }

  /** Queue fill of the delivery pipeline, 0 (empty) to 1 (full). */
  get pressure(): number {
    return this.#core.sink.pressure;
  }

  /** Resolves when the queue is below its low-water mark: `await` it in bulk producers. */
  drained(): Promise<void> {
    return this.#core.sink.drained();
  }

  /** Resolves when everything logged before the call is exported, spooled or dropped-and-counted. */
  flush(): Promise<void> {
    return this.#core.sink.flush();
  }

  /** Flushes within the deadline, then releases connections. Later log calls are counted as dropped. */
  shutdown(options?: { timeoutMs?: number }): Promise<void> {
    return this.#core.sink.shutdown(options);
  }

  /** Counters: accepted, exported, queued, spooled, dropped by reason, and more. */
  stats(): StatsSnapshot {
    return this.#core.sink.stats();
  }

  /** Re-resolves the effective level if anything changed since the last call. */
  #sync(): void {
    const levels = this.#core.levels;
    if (this.#generation === levels.generation) return;
    const effective = this.#resolve();
    this.#effective = effective;
    this.#threshold = levelThreshold(effective);
    this.#generation = levels.generation;
  }

  #resolve(): LevelOrSilent {
    const override = this.#core.levels.override(this.#scope.name);
    if (override !== undefined) return override;
    if (this.#own !== undefined) return this.#own;
    if (this.#parent !== undefined) return this.#parent.level;
    return this.#core.levels.base;
  }

  #method(severityNumber: number, severityText: string): LogFn {
    const levels = this.#core.levels;
    const limiter = this.#core.limiter;
    return (a: unknown, b?: unknown): void => {
      if (this.#generation !== levels.generation) this.#sync();
      if (severityNumber < this.#threshold) return;
      if (
        limiter !== undefined &&
        !limiter.admit(this.#scope, severityNumber, severityText, templateOf(a, b))
      ) {
        return;
      }
      this.#call(severityNumber, severityText, a, b);
    };
  }

  /** Sorts out the argument forms (see {@link LogFn}). */
  #call(severityNumber: number, severityText: string, a: unknown, b: unknown): void {
    try {
      let body: unknown;
      let fields: object | undefined;
      let exception: Error | undefined;
      if (typeof a === 'string') {
        body = a;
        if (b !== null && typeof b === 'object') {
          if (isError(b)) exception = b;
          else fields = b;
        } else if (b !== undefined && b !== null) body = `${a} ${String(b)}`;
      } else if (isError(a)) {
        exception = a;
        if (typeof b === 'string') body = b;
        else {
          body = readProperty(a, 'message');
          if (b !== null && typeof b === 'object') fields = b;
        }
      } else if (isFieldsObject(a)) {
        fields = a;
        body = b;
      } else {
        body = a;
        if (b !== null && typeof b === 'object') fields = b;
      }
      this.#write(severityNumber, severityText, body, fields, exception, undefined);
    } catch (err) {
      // Sorting out the arguments threw (a hostile Proxy): keep the record, not its arguments.
      this.#core.onError(err);
      this.#write(severityNumber, severityText, '[Unserializable]', undefined, undefined, undefined);
    }
  }

  #write(
    severityNumber: number,
    severityText: string,
    body: unknown,
    fields: object | undefined,
    exception: Error | undefined,
    eventName: string | undefined,
    foreign?: ForeignRecord,
  ): void {
    const core = this.#core;
    try {
      const span =
        foreign?.spanContext === undefined ? core.spanContext() : (foreign.spanContext ?? undefined);
      readClock(clock);
      fixed64Words(clock.ms, clock.nanos, words);
      parts.timeLo = parts.observedLo = words.lo;
      parts.timeHi = parts.observedHi = words.hi;
      if (foreign !== undefined) setForeignTimes(foreign);
      parts.severityNumber = severityNumber;
      parts.severityText = severityText;
      parts.body = body;
      parts.fields = fields;
      parts.exception = exception;
      parts.bindings = this.#bindings;
      if (span !== undefined) {
        parts.traceId = span.traceId;
        parts.spanId = span.spanId;
        parts.flags = span.traceFlags & 0xff;
      } else {
        parts.traceId = parts.spanId = undefined;
        parts.flags = 0;
      }
      parts.eventName = eventName;
      const bytes = encodeParts(parts, core.limits, core.redactor);
      // Do not keep the caller's objects alive through the scratch space.
      parts.body = parts.fields = parts.exception = undefined;
      core.sink.write({ bytes, scope: this.#scope, resource: core.resource() });
    } catch (err) {
      parts.body = parts.fields = parts.exception = undefined;
      core.onError(err);
    }
  }
}
