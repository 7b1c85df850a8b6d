/**
 * The facade: what application code calls. A call below the level is a no-op function
 * (pino's trick: the method itself is swapped, so a disabled call allocates nothing).
 */
import type { RecordSink } from '../batch/types.js';
import { nowUnixNano } from '../record/clock.js';
import { encodeAttributes, encodeRecord } from '../record/encode-record.js';
import { encodeScope } from '../record/encode-scope.js';
import {
  LEVELS,
  type Level,
  type LevelOrSilent,
  levelThreshold,
  SEVERITY_NUMBER,
  SEVERITY_TEXT,
} from '../record/severity.js';
import type { EncodedResource, EncodedScope } from '../record/types.js';
import type { StatsSnapshot } from '../stats.js';

/** Structured fields of one record. Own enumerable keys become OTLP attributes. */
export type Fields = Record<string, unknown>;

/** A log method: `log.info('message', { fields })`. */
export type LogFn = (message: string, fields?: Fields) => void;

/** State shared by a logger and all its children. */
export interface LoggerCore {
  sink: RecordSink;
  resource: () => EncodedResource;
  onError: (err: unknown) => void;
}

const noop: LogFn = () => {};

/** A podlog logger. Create one with {@link createLogger}. */
export class Logger {
  declare trace: LogFn;
  declare debug: LogFn;
  declare info: LogFn;
  declare warn: LogFn;
  declare error: LogFn;
  declare fatal: LogFn;

  readonly #core: LoggerCore;
  readonly #scope: EncodedScope;
  readonly #bindings: Uint8Array | undefined;
  #level: LevelOrSilent = 'info';

  /** @internal Use {@link createLogger} or {@link Logger.child}. */
  constructor(core: LoggerCore, scope: EncodedScope, bindings: Uint8Array | undefined, level: LevelOrSilent) {
    this.#core = core;
    this.#scope = scope;
    this.#bindings = bindings;
    this.level = level;
  }

  /** The minimum level that is recorded. Settable at run time. */
  get level(): LevelOrSilent {
    return this.#level;
  }

  set level(level: LevelOrSilent) {
    this.#level = level;
    const threshold = levelThreshold(level);
    for (const l of LEVELS) {
      this[l] = SEVERITY_NUMBER[l] >= threshold ? this.#makeLogFn(l) : noop;
    }
  }

  /** The logger's name (its instrumentation scope). */
  get name(): string {
    return this.#scope.name;
  }

  /** True when a call at `level` would be recorded. */
  isLevelEnabled(level: Level): boolean {
    return SEVERITY_NUMBER[level] >= levelThreshold(this.#level);
  }

  /** A logger whose records all carry `bindings`. `name` sets the instrumentation scope. */
  child(bindings: Fields, options: { name?: string } = {}): Logger {
    const own = encodeAttributes(bindings ?? {});
    let merged = own;
    if (this.#bindings && this.#bindings.length > 0) {
      merged = new Uint8Array(this.#bindings.length + own.length);
      merged.set(this.#bindings, 0);
      merged.set(own, this.#bindings.length);
    }
    const scope = options.name !== undefined ? encodeScope(options.name) : this.#scope;
    return new Logger(this.#core, scope, merged, this.#level);
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

  #makeLogFn(level: Level): LogFn {
    const severityNumber = SEVERITY_NUMBER[level];
    const severityText = SEVERITY_TEXT[level];
    return (message, fields) => {
      try {
        const now = nowUnixNano();
        const bytes = encodeRecord({
          timeUnixNano: now,
          observedTimeUnixNano: now,
          severityNumber,
          severityText,
          body: message,
          fields,
          bindings: this.#bindings,
        });
        this.#core.sink.write({ bytes, scope: this.#scope, resource: this.#core.resource() });
      } catch (err) {
        this.#core.onError(err);
      }
    };
  }
}
