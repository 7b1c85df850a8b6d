/**
 * Tail buffering (`tail` option): a request's calls below the logger's level, held in a
 * small per-request buffer and written only if the request fails.
 *
 * A held call is not encoded: the buffer keeps its arguments with what the call saw (its time,
 * the active span, the request context's fields, the logger's bindings), and the record is
 * encoded only if it is released. Most requests end well and their held calls are thrown away,
 * so encoding them at the call would be most of tail buffering's cost (bench/tail.mjs measured
 * 2.4–2.7× the CPU of plain `info` logging that way). The price: a held call keeps references
 * to the objects it was given, and the record shows them as they are when it is released (see
 * docs/tail-buffering.md); `mixin` and `serializers` run at release too.
 *
 * When the request fails (a record at `tail.releaseLevel`, a 5xx, a thrown error or a slow
 * response seen by `podlog/http`, or `log.flushContext()`), the buffer is written to the
 * pipeline in order, before the record that failed it. When the request ends well, the
 * buffer is thrown away.
 *
 * Accounting: a held call is not `accepted` until it is released (then the sink counts it like
 * any record), so the pipeline's invariant does not see the buffers. {@link TailPool} counts
 * them: `buffered = released + discarded + evicted + held` (`stats().tail`).
 *
 * Memory: each buffer is bounded (`tail.maxRecords`, `tail.maxBytes`: its oldest call goes
 * first) and all buffers together are (`tail.maxTotalRecords`, `tail.maxTotalBytes`: the
 * oldest calls of the largest buffers go first, down to 90 % of the cap so the search for the
 * largest buffers runs once per many calls). Bytes are an estimate made without walking the
 * arguments ({@link heldSize}). The pipeline's `queue.maxBytes` is apart.
 */
import type { TailConfig } from '../config/tail.js';
import type { Diag } from '../diag.js';
import { SEVERITY_NUMBER } from '../record/level-table.js';
import type { EncodedBindings } from '../record/types.js';
import type { TailStats } from '../stats.js';
import type { LoggerCore, LoggerState } from './logger-state.js';
import { activeContextBindings, currentRequestContext } from './request-context.js';
import type { SpanContextLike } from './trace-context.js';

/** Share of a total cap the buffers are trimmed down to once it is passed. */
const TRIM_TO = 0.9;

/** Estimated bytes of a held call beyond its arguments: the entry, its time and references. */
const ENTRY_BYTES = 96;
/** Estimated bytes of an object argument: held by reference, not walked (that is the encoder's job). */
const OBJECT_BYTES = 128;

/** Estimated bytes of one argument: a string's length, an object's {@link OBJECT_BYTES}. */
function argumentSize(value: unknown): number {
  return typeof value === 'string'
    ? value.length
    : typeof value === 'object' && value !== null
      ? OBJECT_BYTES
      : 8;
}

/** Estimated bytes of a held call: without walking objects, so holding stays cheap. */
export function heldSize(a: unknown, b: unknown, more: readonly unknown[] | undefined): number {
  let n = ENTRY_BYTES + argumentSize(a) + argumentSize(b);
  if (more !== undefined) for (let i = 2; i < more.length; i++) n += argumentSize(more[i]);
  return n;
}

/**
 * One held call: the arguments of the write path and what the call saw, so the record it
 * makes at release is the one the call would have made (time, span, request fields, bindings).
 */
export interface HeldCall {
  readonly state: LoggerState;
  /** A level method's call (`a`, `b`, `more` its arguments), `log.event` (`a` the name, `b` the fields), or an integration's record (`a`). */
  readonly kind: 'call' | 'event' | 'foreign';
  readonly severityNumber: number;
  readonly severityText: string;
  readonly a: unknown;
  readonly b: unknown;
  readonly more: unknown[] | undefined;
  /** The call's time: `ms * 1e6 + nanos` nanoseconds since the epoch. */
  readonly ms: number;
  readonly nanos: number;
  readonly span: SpanContextLike | undefined;
  /**
   * The request context's fields, encoded (once per request: the request's other records share
   * them). Not the context itself: a buffer must not keep its request context alive, or a
   * buffer opened by hand and never ended could not be discarded when its context is collected.
   */
  readonly context: EncodedBindings | undefined;
  readonly bindings: EncodedBindings | undefined;
  /** Estimated bytes ({@link heldSize}). */
  readonly size: number;
}

/**
 * One request's held calls. Get one from `log.openTail()` (`podlog/http` does it for you);
 * end it with {@link TailBuffer.end} when the request is done.
 */
export class TailBuffer {
  readonly #pool: TailPool;
  /** Held calls, oldest first; those before `#head` are gone (evicted). */
  #calls: HeldCall[] = [];
  #head = 0;
  #bytes = 0;
  #open = true;
  /** The request's encoded fields, read at the first hold; `null`: not read yet. */
  #context: EncodedBindings | undefined | null = null;

  /** @internal Use `log.openTail()`. */
  constructor(pool: TailPool) {
    this.#pool = pool;
  }

  /** Calls held now. */
  get count(): number {
    return this.#calls.length - this.#head;
  }

  /** Estimated bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** False once {@link TailBuffer.end} was called: later records of the request are not held. */
  get open(): boolean {
    return this.#open;
  }

  /** `tail.slowMs` of the logger: a request slower than this should end failed. */
  get slowMs(): number | undefined {
    return this.#pool.config.slowMs;
  }

  /**
   * @internal The encoded fields of the request this buffer holds for, read once: every call it
   * holds runs in that request's context (the buffer sits in the context's `tail` slot), so the
   * second and later holds skip the `AsyncLocalStorage` lookup.
   */
  requestFields(core: LoggerCore): EncodedBindings | undefined {
    if (this.#context === null) this.#context = activeContextBindings(core);
    return this.#context;
  }

  /** @internal Holds one call; the pool counts it and applies the caps. */
  hold(call: HeldCall): void {
    if (!this.#open) return;
    this.#calls.push(call);
    this.#bytes += call.size;
    this.#pool.held(this, call.size);
  }

  /** @internal Drops the oldest held call (the pool's caps; never on an empty buffer); returns its estimated bytes. */
  evictOldest(): number {
    const call = this.#calls[this.#head] as HeldCall;
    // Let go of the call's arguments at once; the slot is reclaimed when the head passes half.
    this.#calls[this.#head] = undefined as unknown as HeldCall;
    this.#head += 1;
    this.#bytes -= call.size;
    if (this.count === 0) this.#reset();
    else if (this.#head > 32 && this.#head * 2 > this.#calls.length) {
      this.#calls = this.#calls.slice(this.#head);
      this.#head = 0;
    }
    return call.size;
  }

  /**
   * Writes the held records to the logger's pipeline now, oldest first, with their original
   * times. The buffer stays open: later records of the request are held again.
   */
  release(): void {
    if (this.count === 0) return;
    const calls = this.#head === 0 ? this.#calls : this.#calls.slice(this.#head);
    this.#pool.left('released', calls.length, this.#bytes);
    this.#reset();
    // The write path counts each as accepted (and never throws); from here on they are the pipeline's.
    for (const call of calls) call.state.writeHeld(call);
  }

  /**
   * Ends the request: with `failed`, its held records are released, otherwise discarded
   * (counted `discarded`). Later records of the request are not held. Idempotent.
   */
  end(failed: boolean): void {
    if (!this.#open) return;
    if (failed) this.release();
    else {
      this.#pool.left('discarded', this.count, this.#bytes);
      this.#reset();
    }
    this.#open = false;
    this.#pool.closed(this);
  }

  #reset(): void {
    this.#calls = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}

/**
 * The tail buffers of one `createLogger` (shared by its children): their counters and their
 * caps (each request's and the totals); a buffer only keeps its calls in order. Released calls
 * go to the logger state that held them.
 */
export class TailPool {
  /** @internal */
  readonly config: TailConfig;
  /** Lowest severity number held. */
  readonly holdFrom: number;
  /** Severity number from which a record releases its request's buffer first. */
  readonly releaseFrom: number;
  readonly #diag: Diag;
  readonly #open = new Set<TailBuffer>();
  readonly #abandoned = new FinalizationRegistry<TailBuffer>((buffer) => buffer.end(false));
  /** Records that left a buffer, by outcome. */
  readonly #gone = { released: 0, discarded: 0, evicted: 0 };
  #held = 0;
  #heldBytes = 0;

  constructor(config: TailConfig, diag: Diag) {
    this.config = config;
    this.holdFrom = SEVERITY_NUMBER[config.level];
    this.releaseFrom = SEVERITY_NUMBER[config.releaseLevel];
    this.#diag = diag;
  }

  /**
   * A new buffer for one request. `owner` (its request context): should it be collected with
   * the buffer never ended (an app that opened one by hand and forgot `end`), the buffer is
   * discarded then, so it cannot stay open, and counted, forever.
   */
  open(owner: object): TailBuffer {
    const buffer = new TailBuffer(this);
    this.#open.add(buffer);
    this.#abandoned.register(owner, buffer, buffer);
    return buffer;
  }

  /** The active request's open buffer of this pool, if any. Never throws. */
  current(): TailBuffer | undefined {
    // No request open: skip the AsyncLocalStorage lookup (a disabled call stays cheap).
    if (this.#open.size === 0) return undefined;
    let slot: unknown;
    try {
      slot = currentRequestContext()?.tail;
    } catch {
      // a context object from elsewhere with a throwing `tail` getter: a log call never throws
      return undefined;
    }
    // Open buffers of this pool only: a buffer serves only its own logger's records.
    return this.#open.has(slot as TailBuffer) ? (slot as TailBuffer) : undefined;
  }

  /** Ends every open buffer as a success (`shutdown`: the requests still running did not fail). */
  discardAll(): void {
    for (const buffer of [...this.#open]) buffer.end(false);
  }

  stats(): TailStats {
    return {
      buffered: this.#gone.released + this.#gone.discarded + this.#gone.evicted + this.#held,
      ...this.#gone,
      held: this.#held,
      heldBytes: this.#heldBytes,
      open: this.#open.size,
    };
  }

  /**
   * @internal `buffer` took a call of `size` estimated bytes: counted, then the caps apply.
   * Past its request's bounds (`tail.maxRecords`/`maxBytes`) its own oldest calls go; past a
   * total cap, the largest buffers' ({@link #trim}).
   */
  held(buffer: TailBuffer, size: number): void {
    this.#held += 1;
    this.#heldBytes += size;
    const c = this.config;
    if (buffer.count > c.maxRecords || buffer.bytes > c.maxBytes) {
      let n = 0;
      for (; buffer.count > c.maxRecords || buffer.bytes > c.maxBytes; n++) {
        this.left('evicted', 1, buffer.evictOldest());
      }
      this.#diag.warn(
        'tail-request-cap',
        `a request's tail buffer reached tail.maxRecords/maxBytes: evicted its ${n} oldest held record(s); stats().tail.evicted counts them`,
      );
    }
    if (this.#heldBytes > c.maxTotalBytes || this.#held > c.maxTotalRecords) this.#trim();
  }

  /** @internal `n` records of `bytes` estimated bytes left a buffer for `outcome`. */
  left(outcome: 'released' | 'discarded' | 'evicted', n: number, bytes: number): void {
    if (n === 0) return;
    this.#gone[outcome] += n;
    this.#held -= n;
    this.#heldBytes -= bytes;
  }

  /** @internal `buffer` ended. */
  closed(buffer: TailBuffer): void {
    this.#open.delete(buffer);
    this.#abandoned.unregister(buffer);
  }

  /**
   * Evicts the oldest records of the largest buffers until the totals are at 90 % of the caps.
   * A max-heap by bytes over the open buffers: built once per trim, O(buffers + evicted · log
   * buffers).
   */
  #trim(): void {
    const c = this.config;
    const targetBytes = Math.floor(c.maxTotalBytes * TRIM_TO);
    const targetRecords = Math.floor(c.maxTotalRecords * TRIM_TO);
    const heap: TailBuffer[] = [];
    for (const b of this.#open) if (b.count > 0) heap.push(b);
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
    const before = this.#gone.evicted;
    while ((this.#heldBytes > targetBytes || this.#held > targetRecords) && heap.length > 0) {
      const top = heap[0] as TailBuffer;
      this.left('evicted', 1, top.evictOldest());
      if (top.count === 0) {
        const last = heap.pop() as TailBuffer;
        if (heap.length > 0) heap[0] = last;
      }
      siftDown(heap, 0);
    }
    this.#diag.warn(
      'tail-cap',
      `tail buffers reached tail.maxTotalBytes/maxTotalRecords: evicted ${this.#gone.evicted - before} held records (oldest of the largest requests); stats().tail.evicted counts them`,
    );
  }
}

/** Restores the max-heap (by held bytes) below `i`. */
function siftDown(heap: TailBuffer[], i: number): void {
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) return;
    const r = l + 1;
    let big = l;
    if (r < n && (heap[r] as TailBuffer).bytes > (heap[l] as TailBuffer).bytes) big = r;
    if ((heap[big] as TailBuffer).bytes <= (heap[i] as TailBuffer).bytes) return;
    const t = heap[i] as TailBuffer;
    heap[i] = heap[big] as TailBuffer;
    heap[big] = t;
    i = big;
  }
}
