/**
 * Shared by the integrations that write records from other logging APIs into a podlog logger
 * (`logger[EMIT_FOREIGN](record)`): the conversions, options and backpressure they all need.
 */
import { InvalidOptionError } from '../errors.js';
import type { ForeignRecord, Logger } from '../logger/logger.js';
import { type Level, levelOfSeverity } from '../record/level-table.js';

/** The podlog level whose severity range holds `severityNumber` (0 counts as info). */
export function levelForSeverity(severityNumber: number): Level {
  return levelOfSeverity(severityNumber) ?? 'info';
}

/** Unix milliseconds (possibly fractional) → nanoseconds. */
export function msToNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

const HEX32 = /^[0-9a-f]{32}$/i;
const HEX16 = /^[0-9a-f]{16}$/i;

/**
 * The trace context of the OTel log-correlation fields among a record's `attributes`
 * (`trace_id`, `span_id`, `trace_flags`, as instrumentation-pino and -winston write them; flags
 * as a number or hex), taken out of them; undefined, and the fields left as attributes, unless
 * the ids are valid.
 */
export function takeSpanContext(attributes: Record<string, unknown>): ForeignRecord['spanContext'] {
  const { trace_id: traceId, span_id: spanId, trace_flags: traceFlags } = attributes;
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
  if (!HEX32.test(traceId) || !HEX16.test(spanId)) return undefined;
  delete attributes.trace_id;
  delete attributes.span_id;
  delete attributes.trace_flags;
  const flags = typeof traceFlags === 'string' ? Number.parseInt(traceFlags, 16) : Number(traceFlags ?? 0);
  return { traceId, spanId, traceFlags: Number.isFinite(flags) ? flags & 0xff : 0 };
}

/**
 * The `holdAt` option of the pino destination and transport and the winston transport: the
 * queue fill, above 0 and at most 1, from which they hold their source until podlog drains.
 */
export function holdAtOption(value: unknown): number {
  if (value === undefined) return 0.9;
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw new InvalidOptionError('holdAt', value, 'a number above 0, at most 1');
  }
  return value;
}

/** `done`, also reported to a node-style `cb` (pino's and thread-stream's `flush(cb)`). */
export function withCallback(done: Promise<void>, cb: ((err?: Error) => void) | undefined): Promise<void> {
  if (cb) done.then(() => cb(), cb);
  return done;
}

/** Held records let in per event-loop turn. */
const HOLD_TURN = 1024;

/** What a {@link Hold} needs. */
interface HoldOptions<T> {
  /** The podlog logger whose queue fill is watched (a getter: it may be created on first use). */
  logger: () => Logger;
  /** The queue fill from which records are held (see {@link holdAtOption}). */
  holdAt: number;
  /** Writes a held record into the logger. */
  letIn: (item: T) => void;
  /** Holding begins (after records went in without waiting). */
  onHold?: () => void;
  /** The last held record went in. */
  onEmpty?: () => void;
}

/**
 * Records an integration holds while podlog's queue is at or above `holdAt`, let in one at a
 * time, in order, as it drains: the pino destination's and the winston transport's backpressure.
 *
 * The wait is `drained(holdAt)`, which resolves only once the fill went below holdAt (and the
 * low-water mark), or at once when the logger is closed: then the records go in anyway and are
 * counted as dropped after shutdown. Every wait thus lets one record in, and a long run of
 * records let in without waiting (a drained queue, a closed logger) yields to the event loop
 * every {@link HOLD_TURN}: the hold never spins.
 */
export class Hold<T> {
  readonly #options: HoldOptions<T>;
  #items: Array<T | undefined> = [];
  #head = 0;
  #holding = false;
  /** Set and cleared by the pump itself, synchronously: a record pushed as it ends starts the next. */
  #pumping = false;
  #pumped: Promise<void> = Promise.resolve();

  constructor(options: HoldOptions<T>) {
    this.#options = options;
  }

  /** Records held. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True when a record may go in at once: none is held and the fill is below holdAt. */
  passes(): boolean {
    return this.#head === this.#items.length && this.#options.logger().pressure < this.#options.holdAt;
  }

  /** Holds `item` until it is its turn and the queue has room. */
  push(item: T): void {
    this.#items.push(item);
    if (!this.#pumping) this.#pumped = this.#pump();
  }

  /** Lets every held record in now (podlog's queue bound applies: what does not fit is dropped and counted). */
  releaseAll(): void {
    while (this.#head < this.#items.length) this.#next();
    this.#clear();
  }

  /** Resolves once every record held so far went in. */
  empty(): Promise<void> {
    return this.#pumped;
  }

  async #pump(): Promise<void> {
    const { logger, holdAt, onHold } = this.#options;
    this.#pumping = true;
    let turn = 0;
    while (this.#head < this.#items.length) {
      if (++turn > HOLD_TURN) {
        turn = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const log = logger();
      if (log.pressure >= holdAt) {
        if (!this.#holding) {
          this.#holding = true;
          onHold?.();
        }
        await log.drained(holdAt);
        // releaseAll() may have let everything in meanwhile.
        if (this.#head === this.#items.length) break;
      } else {
        this.#holding = false;
      }
      this.#next();
    }
    this.#pumping = false;
    this.#clear();
  }

  #next(): void {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head++] = undefined;
    try {
      this.#options.letIn(item);
    } catch {
      // A held record never stops the others (letIn reports and counts its own failures).
    }
  }

  #clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#options.onEmpty?.();
  }
}
