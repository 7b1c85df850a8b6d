/**
 * The state behind a `Logger`: what all loggers of one `createLogger` share (the core), and one
 * logger's state with what derives from it: the level in force, its children, and the filtered
 * entry points of its calls (the level methods, `log.event`, records from integrations). Each
 * entry point checks the level (two integer compares when nothing changed), then the log-storm
 * limiter, and only then does any work; the write path itself is call-forms.ts. (This header
 * shows in the published typings, with `ChildOptions`: it names no internal type.)
 *
 * Levels: resolving the level in force (registry override, own level, parent's, base; see
 * levels.ts) into a cached numeric threshold is lazy: a setter bumps the registry's generation
 * and each logger re-resolves on its next call, so a disabled call stays two integer compares.
 *
 * Children: bindings are encoded once, when the child is made, on top of the parent's
 * (after the serializers in force); the scope is shared per name through the core.
 */
import type { RecordSink } from '../batch/types.js';
import { resolveMsgPrefix, resolveSerializers, type SerializerSet } from '../config/facade-options.js';
import type { Config } from '../config/resolve.js';
import { type ClockReading, readClock } from '../record/clock.js';
import { encodeBindings } from '../record/encode-bindings.js';
import { type LevelOrSilent, SEVERITY_NUMBER, SEVERITY_TEXT } from '../record/level-table.js';
import type { Redactor } from '../record/redact.js';
import type { EncodedBindings, EncodedRecord, EncodedScope } from '../record/types.js';
import { toText, type ValueLimits } from '../record/value-limits.js';
import { emitRecord, type Fields, type LogFn, writeCall } from './call-forms.js';
import type { ForeignRecord } from './foreign-record.js';
import type { LevelRegistry } from './levels.js';
import type { OtelParts } from './otel-parts.js';
import type { RateLimiter } from './rate-limit.js';
import { nonEmpty } from './request-context.js';
import { applySerializers, type Serializer } from './serializers.js';
import { type HeldCall, heldSize, type TailBuffer, type TailPool } from './tail-buffer.js';
import {
  type ActiveSpanContext,
  recordSpanContext,
  type SpanContextLike,
  type TraceSampler,
} from './trace-context.js';

/** State shared by a logger and all its children. */
export interface LoggerCore {
  readonly sink: RecordSink<EncodedRecord>;
  readonly onError: (err: unknown) => void;
  /** Levels in force and their run-time control (`Logger.setLevel`, pod annotations). */
  readonly levels: LevelRegistry;
  readonly limits: Readonly<ValueLimits>;
  readonly redactor: Redactor;
  readonly spanContext: ActiveSpanContext;
  /** The log-storm limiter (`rateLimit` option); undefined when off. */
  readonly limiter?: RateLimiter;
  /** The scopes of records by logger name, their resource (`current()`), and what an OpenTelemetry SDK gives. */
  readonly otel: OtelParts;
  /** Tail buffering (`tail` option); undefined when off. */
  readonly tail?: TailPool;
  /** Trace-based sampling (`sampling` option); undefined when off. */
  readonly sampler?: TraceSampler;
  /** The level table (podlog's and `customLevels`), `mixin`, and the root logger's `serializers` and `msgPrefix`. */
  readonly facade: Config['facade'];
}

/** Options of `Logger.child`. Other keys (pino's, e.g. from pino-http or Fastify) are ignored. */
export interface ChildOptions {
  /** Instrumentation scope of the child's records. Default: the parent's. */
  name?: string;
  /** Version of the instrumentation scope (with `name`), e.g. an OTel instrumentation's version. */
  version?: string;
  /** The child's own level (a custom level name too). Default: follow the parent. */
  level?: LevelOrSilent | (string & {});
  /** Appended to the parent's message prefix (pino's `msgPrefix`). */
  msgPrefix?: string;
  /** Serializers for this child and its children, over the parent's (pino's child `serializers`). */
  serializers?: Record<string, Serializer>;
}

/** The message template of a call (the rate limiter's key): its message string as written. */
function templateOf(a: unknown, b: unknown): string {
  return typeof a === 'string' ? a : typeof b === 'string' ? b : '';
}

const clock: ClockReading = { ms: 0, nanos: 0 };

/**
 * One logger's state. Every instance comes from this one constructor, so the level methods'
 * property loads stay monomorphic on the hot path.
 */
export class LoggerState {
  readonly core: LoggerCore;
  readonly parent: LoggerState | undefined;
  readonly scope: EncodedScope;
  /** Message prefix in force (the parent's, then the child's own); `''` for none. */
  readonly msgPrefix: string;
  /** Serializers in force (the parent's, overridden by the child's); undefined when none. */
  readonly serializers: SerializerSet | undefined;
  /** True when calls need `mixin` or `serializers` applied (one load on the hot path). */
  readonly fieldHooks: boolean;
  /** This logger's bindings (its ancestors' included); undefined when none. */
  #bindings: EncodedBindings | undefined;
  /** This logger's own bindings as given (after serializers), for `Logger.bindings()`. */
  #ownBindings: object | undefined;
  #logger: unknown;
  /** Level set on this logger, if any (see levels.ts for precedence). */
  #own: LevelOrSilent | undefined;
  /**
   * The level in force as of `generation` (the registry generation it was resolved at; -1:
   * never), with `threshold`, the lowest severity number recorded, and `floor`, the lowest that
   * needs a look: `threshold`, or the tail level when tail buffering holds calls below the level
   * ({@link #gate}). A plain record, not `#` fields: the level methods read it on every call, and
   * a disabled call measured 5–10 % slower reading private fields (bench/hot-path-ab.mjs).
   */
  readonly #level = { effective: 'info' as LevelOrSilent, threshold: 0, floor: 0, generation: -1 };

  constructor(
    core: LoggerCore,
    scope: EncodedScope,
    bindings?: EncodedBindings,
    parent?: LoggerState,
    level?: LevelOrSilent,
    // What a child adds on top of its parent besides level and scope (pino's child options).
    extras?: { msgPrefix: string; serializers: SerializerSet | undefined; ownBindings: object },
  ) {
    this.core = core;
    this.parent = parent;
    this.scope = scope;
    this.#bindings = nonEmpty(bindings);
    this.#ownBindings = extras?.ownBindings;
    this.msgPrefix = extras?.msgPrefix ?? core.facade.msgPrefix;
    this.serializers = extras?.serializers ?? core.facade.serializers;
    this.fieldHooks = this.serializers !== undefined || core.facade.mixin !== undefined;
    this.#own = level;
  }

  /** This logger's bindings (its ancestors' included), encoded; undefined when there are none. */
  get bindings(): EncodedBindings | undefined {
    return this.#bindings;
  }

  /** This logger's own bindings as given (after serializers), for `Logger.bindings()`. */
  get ownBindings(): object | undefined {
    return this.#ownBindings;
  }

  /** The `Logger` object of this state (what `mixin` receives as its third argument). */
  get logger(): unknown {
    return this.#logger;
  }

  /** Called once, by the `Logger` made around this state. */
  attach(logger: object): void {
    this.#logger = logger;
  }

  /** Re-resolves the effective level if anything changed since the last call. */
  #sync(): void {
    const levels = this.core.levels;
    const level = this.#level;
    if (level.generation === levels.generation) return;
    const effective = this.#resolve();
    level.effective = effective;
    level.threshold = this.core.facade.levelTable.threshold(effective);
    // Tail buffering looks at calls down to its level; `silent` stays silent.
    const tail = this.core.tail;
    level.floor =
      tail !== undefined && effective !== 'silent'
        ? Math.min(level.threshold, tail.holdFrom)
        : level.threshold;
    level.generation = levels.generation;
  }

  #resolve(): LevelOrSilent {
    const override = this.core.levels.override(this.scope.name);
    if (override !== undefined) return override;
    if (this.#own !== undefined) return this.#own;
    if (this.parent !== undefined) return this.parent.level;
    return this.core.levels.base;
  }

  /** The level in force, brought up to date. */
  get level(): LevelOrSilent {
    this.#sync();
    return this.#level.effective;
  }

  /** Sets (`undefined`: clears) this logger's own level. */
  setOwnLevel(level: LevelOrSilent | undefined): void {
    this.#own = level;
    this.core.levels.touch();
  }

  /**
   * True when a call at severity `n` would be recorded: at or above the level, or held by the
   * active request's tail buffer.
   */
  isEnabled(n: number | undefined): boolean {
    this.#sync();
    if (n === undefined || n < this.#level.floor) return false;
    return n >= this.#level.threshold || this.core.tail?.current() !== undefined;
  }

  /** The state of a child. Throws `InvalidOptionError` for an unknown level or a bad option. */
  child(bindings: object, options: ChildOptions = {}): LoggerState {
    const core = this.core;
    const level = options?.level;
    if (level !== undefined) core.facade.levelTable.check('child level', level);
    const name = options?.name;
    const version = typeof options?.version === 'string' ? options.version : '';
    const scope = typeof name === 'string' ? core.otel.named(name, version) : this.scope;
    const serializers = resolveSerializers(options?.serializers, 'child serializers', this.serializers);
    const msgPrefix = this.msgPrefix + resolveMsgPrefix(options?.msgPrefix, 'child msgPrefix');
    const own = this.#serializeBindings(serializers, bindings);
    const encoded = encodeBindings(own, this.#bindings, core.limits, core.redactor);
    return new LoggerState(core, scope, encoded, this, level as LevelOrSilent | undefined, {
      msgPrefix,
      serializers,
      ownBindings: own,
    });
  }

  /** `log.setBindings(bindings)`: this logger's bindings with `bindings`' keys added or replaced. */
  setBindings(bindings: object): void {
    const own = this.#serializeBindings(this.serializers, bindings);
    this.#bindings = nonEmpty(encodeBindings(own, this.#bindings, this.core.limits, this.core.redactor));
    try {
      this.#ownBindings = { ...this.#ownBindings, ...own };
    } catch {
      // a hostile Proxy: its encoded bindings (above) are what records carry
    }
  }

  /** `bindings` with the serializers in force applied to its keys (a copy only when one applies). */
  #serializeBindings(serializers: SerializerSet | undefined, bindings: object): object {
    if (serializers === undefined || bindings === null || typeof bindings !== 'object') return bindings;
    try {
      return applySerializers(serializers, bindings, this.core.onError);
    } catch (err) {
      this.core.onError(err); // a hostile Proxy: encodeBindings copes with it as given
      return bindings;
    }
  }

  /**
   * The hot path: the log method of one severity. A call below the level returns after the
   * generation and threshold compares, allocating nothing. With tail buffering, `floor` is the
   * tail level: a call between it and the level costs one request-context lookup more, and is
   * held only inside a request ({@link #gate}).
   */
  method(severityNumber: number, severityText: string): LogFn {
    const state = this;
    const level = this.#level;
    const core = this.core;
    const levels = core.levels;
    const limiter = core.limiter;
    // When neither tail nor sampling is on, the detour below is never taken.
    const sampleBelow = core.sampler?.keepFrom ?? 0;
    const releaseFrom = core.tail?.releaseFrom ?? Number.POSITIVE_INFINITY;
    // A function, not an arrow, for `arguments`, read only by length and index: the optimizing
    // compiler then never allocates it. A rest parameter, or passing `arguments` on, allocates on
    // every call once any call site passes more than two arguments: the disabled call measured
    // 18 → 30–38 ns CPU (bench/hot-path-ab.mjs).
    return function log(a?: unknown, b?: unknown): void {
      if (level.generation !== levels.generation) state.#sync();
      if (severityNumber < level.floor) return;
      // printf arguments past the first two, copied by index (see above); held calls need them too.
      // biome-ignore lint/complexity/noArguments: see above
      const n = arguments.length;
      let all: unknown[] | undefined;
      if (n > 2) {
        all = new Array<unknown>(n);
        // biome-ignore lint/complexity/noArguments: see above
        for (let i = 0; i < n; i++) all[i] = arguments[i];
      }
      if (severityNumber < level.threshold || severityNumber < sampleBelow || severityNumber >= releaseFrom) {
        const to = state.#gate(severityNumber);
        if (to !== true) {
          // Held records skip the rate limiter: their buffer's bounds limit them.
          if (to !== false) state.#hold(to, 'call', severityNumber, severityText, a, b, all);
          return;
        }
      }
      if (
        limiter !== undefined &&
        !limiter.admit(state.scope, severityNumber, severityText, templateOf(a, b))
      ) {
        return;
      }
      writeCall(state, severityNumber, severityText, a, b, all);
    } as LogFn;
  }

  /**
   * Where a call goes after the level check when tail buffering or trace sampling may apply:
   * `true` on to the sink, `false` nowhere (below the level outside a request, or sampled out),
   * a buffer: held in the request's tail buffer.
   */
  #gate(n: number, span?: SpanContextLike | null): TailBuffer | boolean {
    if (n < this.#level.threshold) {
      // Below the level: only a request's tail buffer wants it (`floor` let it this far).
      const buffer = this.core.tail?.current();
      return buffer === undefined || this.#sampledOut(n, span) ? false : buffer;
    }
    return this.#passes(n, span);
  }

  /**
   * A record at or above the level: `false` when trace sampling skips it; at the tail's release
   * level the request's held records are written first, so they arrive before the record that
   * released them.
   */
  #passes(n: number, span?: SpanContextLike | null): boolean {
    if (this.#sampledOut(n, span)) return false;
    const tail = this.core.tail;
    if (tail !== undefined && n >= tail.releaseFrom) tail.current()?.release();
    return true;
  }

  /**
   * Trace-based sampling: whether a record at `n` is skipped (and counted). `span`: the record's
   * own span context when it brings one (an integration's record; `null`: none), else the
   * active span's.
   */
  #sampledOut(n: number, span?: SpanContextLike | null): boolean {
    const sampler = this.core.sampler;
    if (sampler === undefined || n >= sampler.keepFrom) return false;
    return sampler.skips(recordSpanContext(span, this.core.spanContext));
  }

  /**
   * Holds a call in `buffer` with what it sees now (time, span, request fields, bindings); it is
   * encoded only if released ({@link writeHeld}). `span`: as for {@link #sampledOut}.
   */
  #hold(
    buffer: TailBuffer,
    kind: HeldCall['kind'],
    severityNumber: number,
    severityText: string,
    a: unknown,
    b: unknown,
    more: unknown[] | undefined,
    span?: HeldCall['span'] | null,
  ): void {
    const core = this.core;
    try {
      readClock(clock);
      buffer.hold({
        state: this,
        kind,
        severityNumber,
        severityText,
        a,
        b,
        more,
        ms: clock.ms,
        nanos: clock.nanos,
        span: recordSpanContext(span, core.spanContext),
        context: buffer.requestFields(core),
        bindings: this.#bindings,
        size: heldSize(a, b, more),
      });
    } catch (err) {
      core.onError(err); // not held, not accepted: nothing to count but the failure
    }
  }

  /** Writes a call a tail buffer held and now releases: the record it would have made at the call. */
  writeHeld(held: HeldCall): void {
    const { severityNumber: n, severityText: text } = held;
    if (held.kind === 'call') writeCall(this, n, text, held.a, held.b, held.more, held);
    else if (held.kind === 'event')
      emitRecord(this, held, n, text, undefined, held.b as Fields | undefined, undefined, held.a as string);
    else this.writeUnfiltered(held.a as ForeignRecord, held);
  }

  /**
   * Where a record at `n` goes (as {@link #gate}) when it comes from `log.event` or an integration,
   * not a level method (those inline this for speed). `bridged`: its source filtered it already,
   * so it skips podlog's level and is never held; trace sampling and the release of the
   * request's held records still apply.
   */
  #route(n: number, span?: SpanContextLike | null, bridged = false): TailBuffer | boolean {
    this.#sync();
    if (bridged) return this.#passes(n, span);
    return n >= this.#level.floor && this.#gate(n, span);
  }

  /** `log.event(name, fields)`: an INFO record with `event_name`. Not rate-limited. Never throws. */
  event(name: string, fields: Fields | undefined): void {
    const n = SEVERITY_NUMBER.info;
    const to = this.#route(n);
    if (to === false) return;
    const eventName = toText(name); // a name whose toString throws: a log call never throws
    if (to === true)
      emitRecord(this, undefined, n, SEVERITY_TEXT.info, undefined, fields, undefined, eventName);
    else this.#hold(to, 'event', n, SEVERITY_TEXT.info, eventName, fields, undefined);
  }

  /**
   * A record from an integration, filtered like a call at its severity (unless the record says
   * its source filtered it already: `ignoreLevel`), then rate-limited. Never throws.
   */
  emitForeign(record: ForeignRecord): void {
    try {
      // An unspecified severity (0) is filtered as INFO: it cannot be below or above anything.
      const n = record.severityNumber > 0 ? record.severityNumber : SEVERITY_NUMBER.info;
      const to = this.#route(n, record.spanContext, record.ignoreLevel === true);
      if (to === false) return;
      if (to !== true) {
        this.#hold(to, 'foreign', n, record.severityText, record, undefined, undefined, record.spanContext);
        return;
      }
      const limiter = this.core.limiter;
      const template = typeof record.body === 'string' ? record.body : '';
      if (limiter !== undefined && !limiter.admit(this.scope, n, record.severityText, template)) return;
      this.writeUnfiltered(record);
    } catch (err) {
      this.core.onError(err);
    }
  }

  /**
   * A foreign record written past the level and the limiter (podlog's own control records, and
   * held records released).
   */
  writeUnfiltered(r: ForeignRecord, held?: HeldCall): void {
    emitRecord(
      this,
      held,
      r.severityNumber,
      r.severityText,
      r.body,
      r.attributes,
      r.exception,
      r.eventName,
      r,
    );
  }
}
