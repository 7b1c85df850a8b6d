/**
 * Tail buffering (`tail` option): a request's records below the logger's level, held in a
 * small per-request buffer and written only if the request fails.
 *
 * A held record is encoded at the call, as usual (its time, trace ids and request fields are
 * in its bytes), but goes into the request's {@link TailBuffer} instead of the sink. When the
 * request fails (a record at `tail.releaseLevel`, a 5xx, a thrown error or a slow response
 * seen by `podlog/http`, or `log.flushContext()`), the buffer is written to the sink in order,
 * before the record that failed it. When the request ends well, the buffer is thrown away.
 *
 * Accounting: a held record is not `accepted` until it is released (then the sink counts it
 * like any record), so the pipeline's invariant does not see the buffers. {@link TailPool}
 * counts them: `buffered = released + discarded + evicted + held` (`stats().tail`).
 *
 * Memory: each buffer is bounded (`tail.maxRecords`, `tail.maxBytes`: its oldest record goes
 * first) and all buffers together are (`tail.maxTotalRecords`, `tail.maxTotalBytes`: the
 * oldest records of the largest buffers go first, down to 90 % of the cap so the search for
 * the largest buffers runs once per many records). The pipeline's `queue.maxBytes` is apart.
 */
import type { RecordSink } from '../batch/types.js';
import type { TailConfig } from '../config/tail.js';
import type { Diag } from '../diag.js';
import { SEVERITY_NUMBER } from '../record/severity.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../record/types.js';
import type { TailStats } from '../stats.js';

/** Share of a total cap the buffers are trimmed down to once it is passed. */
const TRIM_TO = 0.9;

/** First arena of a buffer: a handful of ordinary records. It doubles as needed, up to about `tail.maxBytes`. */
const FIRST_ARENA = 1024;
const EMPTY = new Uint8Array(0);

/**
 * One request's held records. Get one from `log.openTail()` (`podlog/http` does it for you);
 * end it with {@link TailBuffer.end} when the request is done.
 *
 * The records' bytes are copied one after another into an arena the buffer owns (one
 * allocation per request instead of one per record, and no shared encoding slab kept alive
 * by a long request); their scopes and resources sit in parallel arrays. Eviction moves the
 * head; the arena is compacted before it grows, so it stays within about twice the bytes held.
 */
export class TailBuffer {
  readonly #pool: TailPool;
  #arena: Uint8Array = EMPTY;
  /** Bytes used in the arena: the last record ends here. */
  #end = 0;
  /** Start offset of each record in the arena; records before `#head` are gone. */
  #starts: number[] = [];
  #scopes: EncodedScope[] = [];
  #resources: EncodedResource[] = [];
  #head = 0;
  #open = true;

  /** @internal Use `log.openTail()`. */
  constructor(pool: TailPool) {
    this.#pool = pool;
  }

  /** Records held now. */
  get count(): number {
    return this.#starts.length - this.#head;
  }

  /** Encoded bytes held now. */
  get bytes(): number {
    return this.count === 0 ? 0 : this.#end - (this.#starts[this.#head] as number);
  }

  /** False once {@link TailBuffer.end} was called: later records of the request are not held. */
  get open(): boolean {
    return this.#open;
  }

  /** `tail.slowMs` of the logger: a request slower than this should end failed. */
  get slowMs(): number | undefined {
    return this.#pool.config.slowMs;
  }

  /** @internal The pool this buffer counts in (a buffer serves only its own logger's records). */
  get pool(): TailPool {
    return this.#pool;
  }

  /** @internal Holds a copy of `bytes` (which may be scratch memory) with its scope and resource. */
  hold(bytes: Uint8Array, scope: EncodedScope, resource: EncodedResource): void {
    if (!this.#open) return;
    const size = bytes.byteLength;
    const at = this.#end;
    if (at + size > this.#arena.length) this.#reserve(size);
    this.#arena.set(bytes, this.#end);
    this.#starts.push(this.#end);
    this.#scopes.push(scope);
    this.#resources.push(resource);
    this.#end += size;
    this.#pool.counted(size);
    const c = this.#pool.config;
    if (this.#starts.length - this.#head > c.maxRecords || this.bytes > c.maxBytes) {
      let n = 0;
      for (; this.count > c.maxRecords || this.bytes > c.maxBytes; n++) this.evictOldest();
      this.#pool.requestCapped(n);
    }
    this.#pool.trim();
  }

  /** @internal Bytes of memory the arena takes (held bytes plus room to grow). */
  get capacity(): number {
    return this.#arena.length;
  }

  /**
   * @internal After evictions by the total caps: gives back arena memory beyond about twice
   * the bytes still held, so the sum of arenas follows the held bytes down.
   */
  fit(): void {
    if (this.count === 0) {
      this.#reset(true);
      return;
    }
    const live = this.bytes;
    if (this.#arena.length <= Math.max(FIRST_ARENA, 2 * live)) return;
    let capacity = FIRST_ARENA;
    while (capacity < live) capacity *= 2;
    this.#move(new Uint8Array(capacity));
  }

  /** @internal Drops the oldest held record (counted `evicted`). */
  evictOldest(): void {
    if (this.count === 0) return;
    const i = this.#head;
    const size =
      (i + 1 < this.#starts.length ? (this.#starts[i + 1] as number) : this.#end) -
      (this.#starts[i] as number);
    this.#head = i + 1;
    // Let go of the scope/resource references at once; the slots are reclaimed by #move.
    this.#scopes[i] = undefined as unknown as EncodedScope;
    this.#resources[i] = undefined as unknown as EncodedResource;
    if (this.count === 0) this.#reset(false);
    this.#pool.gone('evicted', 1, size);
  }

  /**
   * Writes the held records to the logger's pipeline now, oldest first, with their original
   * times. The buffer stays open: later records of the request are held again.
   */
  release(): void {
    if (this.count === 0) return;
    const bytes = this.bytes;
    const records: EncodedRecord[] = [];
    const arena = this.#arena;
    for (let i = this.#head; i < this.#starts.length; i++) {
      const end = i + 1 < this.#starts.length ? (this.#starts[i + 1] as number) : this.#end;
      records.push({
        bytes: arena.subarray(this.#starts[i] as number, end),
        scope: this.#scopes[i] as EncodedScope,
        resource: this.#resources[i] as EncodedResource,
      });
    }
    // The views keep this arena until the pipeline has copied them; later records get a new one.
    this.#reset(true);
    this.#pool.release(records, bytes);
  }

  /**
   * Ends the request: with `failed`, its held records are released, otherwise discarded
   * (counted `discarded`). Later records of the request are not held. Idempotent.
   */
  end(failed: boolean): void {
    if (!this.#open) return;
    if (failed) this.release();
    else {
      const n = this.count;
      const bytes = this.bytes;
      this.#reset(true);
      this.#pool.gone('discarded', n, bytes);
    }
    this.#open = false;
    this.#pool.closed(this);
  }

  /** Forgets every record; `dropArena`: also the arena's memory (else it is reused from 0). */
  #reset(dropArena: boolean): void {
    if (dropArena) this.#arena = EMPTY;
    this.#end = 0;
    this.#head = 0;
    this.#starts = [];
    this.#scopes = [];
    this.#resources = [];
  }

  /** Room for `size` more bytes: compacts the live records to the front, then grows if needed. */
  #reserve(size: number): void {
    if (this.#starts.length === 0) {
      // Empty (a new request, or everything evicted or released): a fresh arena, nothing to move.
      if (size > this.#arena.length) this.#arena = new Uint8Array(Math.max(FIRST_ARENA, size));
      this.#end = 0;
      return;
    }
    const live = this.bytes;
    const needed = live + size;
    if (needed <= this.#arena.length && live <= this.#arena.length / 2) {
      this.#move(this.#arena);
    } else {
      let capacity = Math.max(FIRST_ARENA, this.#arena.length * 2);
      while (capacity < needed) capacity *= 2;
      this.#move(new Uint8Array(capacity));
    }
  }

  /** Moves the live records to the front of `arena` (the current one, or a new one). */
  #move(arena: Uint8Array): void {
    const live = this.bytes;
    const from = this.count === 0 ? this.#end : (this.#starts[this.#head] as number);
    if (arena === this.#arena) arena.copyWithin(0, from, this.#end);
    else arena.set(this.#arena.subarray(from, this.#end));
    this.#arena = arena;
    this.#starts = this.#starts.slice(this.#head).map((s) => s - from);
    this.#scopes = this.#scopes.slice(this.#head);
    this.#resources = this.#resources.slice(this.#head);
    this.#head = 0;
    this.#end = live;
  }
}

type Outcome = 'released' | 'discarded' | 'evicted';

/**
 * The tail buffers of one `createLogger` (shared by its children): their counters, their
 * global caps, and where released records go.
 */
export class TailPool {
  /** @internal */
  readonly config: TailConfig;
  /** Lowest severity number held. */
  readonly holdFrom: number;
  /** Severity number from which a record releases its request's buffer first. */
  readonly releaseFrom: number;
  readonly #sink: RecordSink<EncodedRecord>;
  readonly #current: () => unknown;
  readonly #diag: Diag | undefined;
  readonly #open = new Set<TailBuffer>();
  readonly #abandoned = new FinalizationRegistry<TailBuffer>((buffer) => buffer.end(false));
  #buffered = 0;
  #released = 0;
  #discarded = 0;
  #evicted = 0;
  #held = 0;
  #heldBytes = 0;

  /**
   * @param current - the active request's tail slot (`currentRequestContext()?.tail`): a
   *   buffer of this pool is used, anything else ignored.
   */
  constructor(config: TailConfig, sink: RecordSink<EncodedRecord>, current: () => unknown, diag?: Diag) {
    this.config = config;
    this.holdFrom = SEVERITY_NUMBER[config.level];
    this.releaseFrom = SEVERITY_NUMBER[config.releaseLevel];
    this.#sink = sink;
    this.#current = current;
    this.#diag = diag;
  }

  /**
   * A new buffer for one request. `owner` (its request context): should it be collected with
   * the buffer never ended (an app that opened one by hand and forgot `end`), the buffer is
   * discarded then, so it cannot stay open, and counted, forever.
   */
  open(owner?: object): TailBuffer {
    const buffer = new TailBuffer(this);
    this.#open.add(buffer);
    if (owner !== undefined) this.#abandoned.register(owner, buffer, buffer);
    return buffer;
  }

  /** @internal Memory the open buffers' arenas take, in bytes. */
  get arenaBytes(): number {
    let n = 0;
    for (const b of this.#open) n += b.capacity;
    return n;
  }

  /** The active request's open buffer of this pool, if any. Never throws. */
  current(): TailBuffer | undefined {
    // No request open: skip the AsyncLocalStorage lookup (a disabled call stays cheap).
    if (this.#open.size === 0) return undefined;
    let slot: unknown;
    try {
      slot = this.#current();
    } catch {
      return undefined;
    }
    return slot instanceof TailBuffer && slot.pool === this && slot.open ? slot : undefined;
  }

  /** Ends every open buffer as a success (`shutdown`: the requests still running did not fail). */
  discardAll(): void {
    for (const buffer of [...this.#open]) buffer.end(false);
  }

  stats(): TailStats {
    return {
      buffered: this.#buffered,
      released: this.#released,
      discarded: this.#discarded,
      evicted: this.#evicted,
      held: this.#held,
      heldBytes: this.#heldBytes,
      open: this.#open.size,
    };
  }

  /** @internal One record of `size` bytes was put in a buffer. */
  counted(size: number): void {
    this.#buffered += 1;
    this.#held += 1;
    this.#heldBytes += size;
  }

  /** @internal `n` records of `bytes` bytes left `buffer` for `outcome`. */
  gone(outcome: Outcome, n: number, bytes: number): void {
    if (n === 0) return;
    if (outcome === 'released') this.#released += n;
    else if (outcome === 'discarded') this.#discarded += n;
    else this.#evicted += n;
    this.#held -= n;
    this.#heldBytes -= bytes;
  }

  /** @internal Writes `records` (taken from a buffer, `bytes` in all) to the sink, in order. */
  release(records: EncodedRecord[], bytes: number): void {
    this.gone('released', records.length, bytes);
    // The sink counts each as accepted (and never throws); from here on they are its records.
    for (const r of records) this.#sink.write(r);
  }

  /** @internal A buffer evicted `n` records to stay within `tail.maxRecords`/`maxBytes`. */
  requestCapped(n: number): void {
    this.#diag?.warn(
      'tail-request-cap',
      `a request's tail buffer reached tail.maxRecords/maxBytes: evicted its ${n} oldest held record(s); stats().tail.evicted counts them`,
    );
  }

  /** @internal `buffer` ended. */
  closed(buffer: TailBuffer): void {
    this.#open.delete(buffer);
    this.#abandoned.unregister(buffer);
  }

  /**
   * @internal Past a total cap, evicts the oldest records of the largest buffers until the
   * totals are at 90 % of the caps. A max-heap by bytes over the open buffers: built once per
   * trim, O(buffers + evicted · log buffers).
   */
  trim(): void {
    const c = this.config;
    if (this.#heldBytes <= c.maxTotalBytes && this.#held <= c.maxTotalRecords) return;
    const targetBytes = Math.floor(c.maxTotalBytes * TRIM_TO);
    const targetRecords = Math.floor(c.maxTotalRecords * TRIM_TO);
    const heap: TailBuffer[] = [];
    for (const b of this.#open) if (b.count > 0) heap.push(b);
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
    const before = this.#evicted;
    const touched = new Set<TailBuffer>();
    while ((this.#heldBytes > targetBytes || this.#held > targetRecords) && heap.length > 0) {
      const top = heap[0] as TailBuffer;
      top.evictOldest();
      touched.add(top);
      if (top.count === 0) {
        const last = heap.pop() as TailBuffer;
        if (heap.length > 0) heap[0] = last;
      }
      siftDown(heap, 0);
    }
    for (const b of touched) b.fit();
    this.#diag?.warn(
      'tail-cap',
      `tail buffers reached tail.maxTotalBytes/maxTotalRecords: evicted ${this.#evicted - before} held records (oldest of the largest requests); stats().tail.evicted counts them`,
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
