/**
 * The facade: what application code calls, in every request handler. A call below the level
 * returns after two integer compares and allocates nothing; an enabled call encodes the
 * record straight into bytes (no intermediate object) and hands it to the sink. No call
 * throws, whatever it is given.
 *
 * `Logger` is the public surface; the work of a call is in the modules it delegates to:
 * logger-state.ts (the state, its level, children, filtering) and call-forms.ts (arguments and
 * the write path).
 */

import { InvalidOptionError } from '../errors.js';
import {
  type Level,
  type LevelOrSilent,
  type PinoLevels,
  SEVERITY_NUMBER,
  SEVERITY_TEXT,
} from '../record/level-table.js';
import type { LoggerStats } from '../stats.js';
import type { Fields, LogFn } from './call-forms.js';
import { EMIT_FOREIGN, type ForeignRecord } from './foreign-record.js';
import type { ChildOptions, LoggerState } from './logger-state.js';
import type { OtelParts } from './otel-parts.js';
import { currentRequestContext, type RequestContext } from './request-context.js';
import type { TailBuffer } from './tail-buffer.js';

/** A level name: podlog's six, `silent`, or a `customLevels` name. */
export type LevelName = LevelOrSilent | (string & {});

export type { PinoLevels } from '../record/level-table.js';
// The types of the logger's contract, importable from here.
export type { Fields, LogFn } from './call-forms.js';
export { EMIT_FOREIGN, type ForeignRecord } from './foreign-record.js';
export type { ChildOptions } from './logger-state.js';

/** Options of `Logger.setLevel`. */
export interface SetLevelOptions {
  /**
   * Set the level of the loggers with this name (and names below it: `http` covers
   * `http.client`), across every logger of this `createLogger`, instead of this logger's.
   */
  logger?: string;
}

/** `log.silent(…)`: pino's no-op level method. */
const silentMethod: LogFn = () => {};

/** A podlog logger. Create one with `createLogger`; derive children with {@link Logger.child}. */
export class Logger {
  /**
   * @internal The OpenTelemetry SDK parts of `log`'s core (scopes, resources): the OTel
   * integration adopts the SDK's resource through it. Static, so the private state stays
   * unreachable from a `Logger` instance.
   */
  static otelPartsOf(log: Logger): OtelParts {
    return log.#state.core.otel;
  }

  /**
   * Logs at TRACE (severity 1): `(message, fields?)`, `(fields, message?)`, `(error, message?)`,
   * printf-style `('user %s', name)` as pino; extra arguments are kept (see {@link LogFn}).
   */
  readonly trace: LogFn;
  /** Logs at DEBUG (severity 5). Same argument forms as {@link Logger.trace}. */
  readonly debug: LogFn;
  /** Logs at INFO (severity 9). Same argument forms as {@link Logger.trace}. */
  readonly info: LogFn;
  /** Logs at WARN (severity 13). Same argument forms as {@link Logger.trace}. */
  readonly warn: LogFn;
  /** Logs at ERROR (severity 17). Same argument forms as {@link Logger.trace}. */
  readonly error: LogFn;
  /** Logs at FATAL (severity 21). Same argument forms as {@link Logger.trace}. */
  readonly fatal: LogFn;
  /**
   * The same as {@link Logger.info}. It lets a podlog logger stand where a `log` method is
   * expected: `NestFactory.create(App, { logger: log })` works (without it Nest aborted the
   * process, exit code 134, as its `LoggerService` needs `log`). Nest's trailing context
   * argument is then appended to the message; `PodlogNestLogger` from `podlog/nest` maps it
   * to the logger name and Nest's stack strings to `exception.stacktrace`.
   */
  readonly log: LogFn;
  /** pino's `silent` method: does nothing. */
  readonly silent: LogFn = silentMethod;

  readonly #state: LoggerState;

  /** @internal Use `createLogger` or {@link Logger.child}. */
  constructor(state: LoggerState) {
    this.#state = state;
    this.trace = state.method(SEVERITY_NUMBER.trace, SEVERITY_TEXT.trace);
    this.debug = state.method(SEVERITY_NUMBER.debug, SEVERITY_TEXT.debug);
    this.info = state.method(SEVERITY_NUMBER.info, SEVERITY_TEXT.info);
    this.warn = state.method(SEVERITY_NUMBER.warn, SEVERITY_TEXT.warn);
    this.error = state.method(SEVERITY_NUMBER.error, SEVERITY_TEXT.error);
    this.fatal = state.method(SEVERITY_NUMBER.fatal, SEVERITY_TEXT.fatal);
    this.log = this.info;
    // `customLevels`: one method per level, on every logger of this createLogger.
    for (const c of state.core.facade.levelTable.custom) {
      Object.defineProperty(this, c.name, {
        value: state.method(c.severityNumber, c.severityText),
        enumerable: true,
      });
    }
    state.attach(this);
  }

  /**
   * The minimum level recorded. Setting it changes this logger and every child that has no
   * level of its own, at once (also children created before). Throws `InvalidOptionError`
   * for an unknown level.
   */
  get level(): LevelName {
    return this.#state.level;
  }

  set level(level: LevelName) {
    const state = this.#state;
    state.core.facade.levelTable.check('level', level);
    // The base level on the root logger, the logger's own level on a child.
    if (state.parent === undefined) state.core.levels.base = level as LevelOrSilent;
    else state.setOwnLevel(level as LevelOrSilent);
  }

  /**
   * pino's `logger.levels`: `values` (name → pino number: trace 10 … fatal 60, custom levels
   * as given) and `labels` (number → name). Libraries that expect a pino logger read it.
   */
  get levels(): PinoLevels {
    return this.#state.core.facade.levelTable.levels;
  }

  /** The prefix put before this logger's messages (`msgPrefix` option and child option). */
  get msgPrefix(): string {
    return this.#state.msgPrefix;
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
  setLevel(level: LevelName | null, options?: SetLevelOptions): void {
    const state = this.#state;
    const core = state.core;
    if (level !== null) core.facade.levelTable.check('setLevel level', level, ', or null');
    const to = level as LevelOrSilent | null;
    const name = options?.logger;
    if (name !== undefined) {
      if (typeof name !== 'string' || name === '') {
        throw new InvalidOptionError('setLevel logger', name, 'a non-empty logger name');
      }
      core.levels.setNamed(name, to);
    } else if (state.parent !== undefined) state.setOwnLevel(to ?? undefined);
    else core.levels.setBase(to);
  }

  /** The logger's name: the instrumentation scope of its records. */
  get name(): string {
    return this.#state.scope.name;
  }

  /**
   * True when a call at `level` (a custom level too) would be recorded: at or above the level,
   * or (with the `tail` option) held by the active request's tail buffer.
   */
  isLevelEnabled(level: Level | (string & {})): boolean {
    const state = this.#state;
    // Held by the active request's tail buffer counts: `if (log.isLevelEnabled('debug'))` guards keep working.
    return state.isEnabled(
      typeof level === 'string' ? state.core.facade.levelTable.severityOf(level) : undefined,
    );
  }

  /**
   * A logger whose records all carry `bindings` (converted once, here, after the serializers
   * in force). A child of a child has both sets; a child's key replaces its parent's. Options:
   * `name` sets the instrumentation scope, `level` its own level, `msgPrefix` is appended to
   * the parent's, `serializers` add to the parent's. Other keys are ignored (pino's, from
   * libraries like pino-http).
   */
  child(bindings: Fields, options: ChildOptions = {}): this {
    return new Logger(this.#state.child(bindings, options)) as this;
  }

  /** This logger's bindings, its ancestors' included (pino's `bindings()`). */
  bindings(): Fields {
    // Merged from the root down (a child's key wins), as given, after serializers (a raw
    // request stays the object it is).
    const chain: object[] = [];
    for (let s: LoggerState | undefined = this.#state; s !== undefined; s = s.parent) {
      if (s.ownBindings !== undefined) chain.push(s.ownBindings);
    }
    const out: Fields = {};
    for (let i = chain.length - 1; i >= 0; i--) {
      try {
        Object.assign(out, chain[i]);
      } catch {
        // a hostile Proxy given as bindings: nothing readable to return
      }
    }
    return out;
  }

  /**
   * Adds or replaces bindings of this logger (pino's `setBindings`). Children created before
   * keep the bindings they were created with.
   */
  setBindings(bindings: Fields): void {
    this.#state.setBindings(bindings);
  }

  /**
   * Writes an event: a record with the OTLP `event_name` field, at INFO severity (so it
   * follows the `info` level). `fields` become attributes.
   */
  event(name: string, fields?: Fields): void {
    this.#state.event(name, fields);
  }

  /**
   * @internal For podlog's integrations: writes a record from another logging API, filtered
   * by this logger's level like any call. Never throws.
   */
  [EMIT_FOREIGN](record: ForeignRecord): void {
    this.#state.emitForeign(record);
  }

  /** Queue fill of the delivery pipeline, 0 (empty) to 1 (full). */
  get pressure(): number {
    return this.#state.core.sink.pressure;
  }

  /**
   * Resolves when the queue is below its low-water mark (half full): `await` it in bulk
   * producers. With `below` (a fill, 0..1) lower than that, resolves only once the fill is below
   * `below`. Resolves at once after `shutdown()` began.
   */
  drained(below?: number): Promise<void> {
    return this.#state.core.sink.drained(below);
  }

  /**
   * Resolves when everything logged before the call is exported, spooled or dropped-and-counted.
   * pino's callback form works too: `log.flush((err) => …)`; the returned promise then never
   * rejects (the error goes to the callback).
   */
  flush(callback?: (err?: Error) => void): Promise<void> {
    const done = this.#state.core.sink.flush();
    if (typeof callback !== 'function') return done;
    return done.then(
      () => callback(),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /**
   * Tail buffering (`tail` option): opens a buffer for one request and puts it in the request
   * context's `tail` slot, so calls below the level made in `ctx` are held in it. End it with
   * `buffer.end(failed)` when the request is done: `true` writes the held records, `false`
   * discards them (counted in `stats().tail`). `podlog/http` does both for you. Returns
   * `undefined` when `tail` is off or there is no request context.
   *
   * @example
   * const ctx = new RequestContext({}, requestId);
   * const buffer = log.openTail(ctx);
   * try { await runWithRequestContext(ctx, handle); buffer?.end(false); }
   * catch (err) { buffer?.end(true); throw err; }
   */
  openTail(ctx: RequestContext | undefined = currentRequestContext()): TailBuffer | undefined {
    const pool = this.#state.core.tail;
    if (pool === undefined || ctx === undefined) return undefined;
    const buffer = pool.open(ctx);
    ctx.tail = buffer;
    return buffer;
  }

  /**
   * Tail buffering: writes the records held for the active request now (oldest first, with
   * their original times), as a failure would. Later records of the request are held again.
   * Does nothing outside a request or when `tail` is off.
   */
  flushContext(): void {
    this.#state.core.tail?.current()?.release();
  }

  /**
   * Flushes within the deadline, then releases connections. Later log calls are counted as
   * dropped. Records held by tail buffering for requests still running are discarded.
   */
  shutdown(options?: { timeoutMs?: number }): Promise<void> {
    this.#state.core.tail?.discardAll();
    return this.#state.core.sink.shutdown(options);
  }

  /**
   * Counters: accepted, exported, queued, spooled, dropped by reason, and more; `suppressed`,
   * `tail` and `sampledOut` count the records the rate limiter, tail buffering and trace
   * sampling kept out of the pipeline.
   */
  stats(): LoggerStats {
    const core = this.#state.core;
    const snapshot = core.sink.stats();
    return {
      ...snapshot,
      suppressed: snapshot.suppressed + (core.limiter?.suppressed ?? 0),
      sampledOut: core.sampler?.sampledOut ?? 0,
      tail: core.tail?.stats() ?? {
        buffered: 0,
        released: 0,
        discarded: 0,
        evicted: 0,
        held: 0,
        heldBytes: 0,
        open: 0,
      },
    };
  }
}
