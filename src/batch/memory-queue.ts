/**
 * The memory queue: loose records (the batch being filled), cut batches waiting for a slot, and
 * the record and byte totals of everything in memory, in flight included (the pipeline calls
 * `forget` when a batch leaves memory). Bytes are memory held: a loose record's framed size, a
 * cut batch's `memoryOf(body)` (see body-pool.ts).
 *
 * It also keeps who waits on it:
 * - `drained()`: callers that back off under pressure wait until the fill is below a low-water
 *   mark, not merely below full, so a waiter does not wake for one free slot only to hit the
 *   bound again at once;
 * - `settled()`: `flush()` waits for exactly the batches cut before it was called (by sequence
 *   number), not for records logged afterwards (under steady logging the queue is never empty,
 *   and waiting for "empty" would never end). A batch is settled once it is exported, spooled or
 *   dropped-and-counted, which may be after it left memory (on its way to disk).
 */
import type { Batch } from '../export/types.js';
import type { FramedRecord } from '../otlp/encode-request.js';
import { BodyPool, memoryOf } from './body-pool.js';
import { LooseRecords } from './loose-records.js';

/** `drained()` resolves below this fill. */
export const LOW_WATER = 0.5;

/** A cut batch while it is in memory. */
export interface Entry {
  /** Order of cutting; `settled()` waits by it. */
  readonly seq: number;
  readonly batch: Batch;
  /** Memory it holds: `memoryOf(batch.body)`. */
  readonly bytes: number;
}

interface QueueLimits {
  maxRecords: number;
  maxBytes: number;
  batchRecords: number;
  batchBytes: number;
}

/** A batch's id, kept across retries and replays. node:crypto loads at the first batch, not at import. */
let randomUUID: (() => string) | undefined;
function newBatchId(): string {
  randomUUID ??= process.getBuiltinModule('node:crypto').randomUUID;
  return randomUUID();
}

/** A `settled()` waiter (`at`: the last batch it waits for), or a `drained()` one (`at`: its mark). */
interface Waiter {
  at: number;
  resolve: () => void;
}

/** Resolves the waiters that are `done`; returns the others. */
function wake(waiters: Waiter[], done: (w: Waiter) => boolean): Waiter[] {
  const keep: Waiter[] = [];
  for (const w of waiters) {
    if (done(w)) w.resolve();
    else keep.push(w);
  }
  return keep;
}

export class MemoryQueue {
  readonly #limits: QueueLimits;
  #records = 0;
  #bytes = 0;
  /** Cut batches waiting for a slot, oldest first. */
  #ready: Entry[] = [];
  /** The batch being filled, copied in as it arrives (see loose-records.ts). */
  readonly #loose: LooseRecords;
  #looseBytes = 0;
  #seq = 0;
  readonly #pool: BodyPool;
  readonly #alloc = (size: number) => this.#pool.take(size);
  /** Sequence numbers of the batches cut and not settled yet. */
  readonly #unsettled = new Set<number>();
  #settleWaiters: Waiter[] = [];
  #drainWaiters: Waiter[] = [];

  constructor(limits: QueueLimits) {
    this.#limits = limits;
    this.#pool = new BodyPool(Math.min(limits.maxBytes / 4, 4 * limits.batchBytes));
    this.#loose = new LooseRecords(limits.batchBytes);
  }

  /** Records in memory: loose, cut and waiting, or in flight. */
  get records(): number {
    return this.#records;
  }

  /** Bytes in memory, same scope. */
  get bytes(): number {
    return this.#bytes;
  }

  get looseCount(): number {
    return this.#loose.length;
  }

  /** Cut batches waiting for a slot. */
  get readyCount(): number {
    return this.#ready.length;
  }

  /** The oldest batch waiting for a slot, left in place. */
  oldestReady(): Entry | undefined {
    return this.#ready[0];
  }

  /** Takes the oldest batch waiting for a slot (it still counts in memory until `forget`). */
  nextReady(): Entry | undefined {
    return this.#ready.shift();
  }

  /** Takes every batch waiting for a slot (they still count in memory until `forget`). */
  takeReady(): Entry[] {
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }

  /** Fill 0..1: the larger of the record and byte ratios. */
  fill(): number {
    return Math.min(
      1,
      Math.max(this.#records / this.#limits.maxRecords, this.#bytes / this.#limits.maxBytes),
    );
  }

  /** True when one more record of `size` bytes stays within both bounds. */
  fits(size: number): boolean {
    return this.#records + 1 <= this.#limits.maxRecords && this.#bytes + size <= this.#limits.maxBytes;
  }

  /** True when adding `size` bytes would push the loose records over the batch byte limit. */
  wouldOverflowBatch(size: number): boolean {
    return this.#loose.length > 0 && this.#looseBytes + size > this.#limits.batchBytes;
  }

  /** Takes a copy of the record's bytes: the record itself is not kept. */
  add(record: FramedRecord, size: number): void {
    this.#loose.push(record, size);
    this.#looseBytes += size;
    this.#records++;
    this.#bytes += size;
  }

  /** True when the loose records make a full batch. */
  batchFull(): boolean {
    return this.#loose.length >= this.#limits.batchRecords || this.#looseBytes >= this.#limits.batchBytes;
  }

  /**
   * Frames the loose records into a batch at the end of the ready ones, unsettled until
   * `settle`. If framing throws (a bug, or memory refused), the loose records are gone and
   * `lost(n)` is called for the caller to count them: nothing vanishes uncounted.
   */
  cut(lost: (n: number) => void): Entry | undefined {
    const n = this.#loose.length;
    if (n === 0) return undefined;
    this.#bytes -= this.#looseBytes;
    this.#looseBytes = 0;
    let body: Uint8Array;
    try {
      body = this.#loose.frame(this.#alloc)!.body;
    } catch {
      this.#records -= n;
      lost(n);
      return undefined;
    }
    const entry: Entry = {
      seq: ++this.#seq,
      batch: { id: newBatchId(), count: n, body },
      bytes: memoryOf(body),
    };
    this.#bytes += entry.bytes;
    this.#ready.push(entry);
    this.#unsettled.add(entry.seq);
    return entry;
  }

  /** Drops the oldest loose record (drop-oldest with no batch waiting). False if none. */
  dropOldestLoose(): boolean {
    const n = this.#loose.dropOldest();
    if (n < 0) return false;
    this.#looseBytes -= n;
    this.#bytes -= n;
    this.#records--;
    return true;
  }

  /** The batch left memory (exported, spooled, dropped). */
  forget(entry: Entry): void {
    this.#records -= entry.batch.count;
    this.#bytes -= entry.bytes;
  }

  /** The batch was dropped before anyone saw its body: the buffer can be reused. */
  recycle(entry: Entry): void {
    this.forget(entry);
    this.#pool.give(entry.batch.body);
  }

  /** The batch is exported, spooled or dropped-and-counted: `settled()` waits no longer for it. */
  settle(entry: Entry): void {
    if (!this.#unsettled.delete(entry.seq) || this.#settleWaiters.length === 0) return;
    // Batches settle roughly in order and there are at most a few hundred: a scan is fine.
    let oldest = Number.POSITIVE_INFINITY;
    for (const s of this.#unsettled) if (s < oldest) oldest = s;
    this.#settleWaiters = wake(this.#settleWaiters, (w) => w.at < oldest);
  }

  /** Resolves once every batch cut so far is settled. */
  settled(): Promise<void> {
    // Every unsettled batch was cut so far: any of them is one to wait for.
    if (this.#unsettled.size === 0) return Promise.resolve();
    const at = this.#seq;
    return new Promise((resolve) => this.#settleWaiters.push({ at, resolve }));
  }

  /**
   * Resolves once the fill is below {@link LOW_WATER}, or below `below` when that is lower and
   * above 0 (at once when it already is).
   */
  drained(below = LOW_WATER): Promise<void> {
    const mark = below > 0 && below < LOW_WATER ? below : LOW_WATER;
    if (this.fill() < mark) return Promise.resolve();
    return new Promise<void>((resolve) => this.#drainWaiters.push({ at: mark, resolve }));
  }

  /**
   * Memory went down: resolves the `drained()` waiters whose mark the fill is now below; every
   * waiter with `all` (the pipeline is closing: nothing more will be taken to wait for).
   */
  wakeDrained(all = false): void {
    if (this.#drainWaiters.length === 0) return;
    const fill = all ? 0 : this.fill();
    if (fill >= LOW_WATER) return;
    this.#drainWaiters = wake(this.#drainWaiters, (w) => fill < w.at);
  }
}
