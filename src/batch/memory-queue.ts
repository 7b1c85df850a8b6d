/**
 * The memory queue's bookkeeping: loose records (the batch being filled), cut batches waiting
 * for a slot, and the record and byte totals of everything in memory, in flight included
 * (the pipeline calls `forget` when a batch leaves memory). Bytes are memory held: a loose
 * record's framed size, a cut batch's `memoryOf(body)` (see body-pool.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Batch } from '../export/types.js';
import { BodyPool, memoryOf } from './body-pool.js';
import { LooseRecords } from './loose-records.js';
import type { QueuedRecord } from './types.js';

export { framedSize } from './loose-records.js';

/** A cut batch while it is in memory. */
export interface Entry {
  /** Order of cutting; `flush()` waits by it. */
  readonly seq: number;
  readonly batch: Batch;
  /** Memory it holds: `memoryOf(batch.body)`. */
  readonly bytes: number;
  /** Aborts its export at the shutdown deadline. */
  controller?: AbortController;
}

export interface QueueLimits {
  maxRecords: number;
  maxBytes: number;
  batchRecords: number;
  batchBytes: number;
}

export class MemoryQueue {
  /** Records in memory: loose, cut and waiting, or in flight. */
  records = 0;
  /** Bytes in memory, same scope. */
  bytes = 0;
  /** Cut batches waiting for a slot, oldest first. */
  ready: Entry[] = [];
  /** The batch being filled, copied in as it arrives (see loose-records.ts). */
  private readonly loose: LooseRecords;
  private looseBytes = 0;
  private seq = 0;
  private readonly pool: BodyPool;
  private readonly alloc = (size: number) => this.pool.take(size);

  constructor(readonly limits: QueueLimits) {
    this.pool = new BodyPool(Math.min(limits.maxBytes / 4, 4 * limits.batchBytes));
    this.loose = new LooseRecords(limits.batchBytes);
  }

  /** Sequence number of the last batch cut. */
  get lastSeq(): number {
    return this.seq;
  }

  get looseCount(): number {
    return this.loose.length;
  }

  /** Fill 0..1: the larger of the record and byte ratios. */
  fill(): number {
    return Math.min(1, Math.max(this.records / this.limits.maxRecords, this.bytes / this.limits.maxBytes));
  }

  /** True when one more record of `size` bytes stays within both bounds. */
  fits(size: number): boolean {
    return this.records + 1 <= this.limits.maxRecords && this.bytes + size <= this.limits.maxBytes;
  }

  /** True when adding `size` bytes would push the loose records over the batch byte limit. */
  wouldOverflowBatch(size: number): boolean {
    return this.loose.length > 0 && this.looseBytes + size > this.limits.batchBytes;
  }

  /** Takes a copy of the record's bytes: the record itself is not kept. */
  add(record: QueuedRecord, size: number): void {
    this.loose.push(record, size);
    this.looseBytes += size;
    this.records++;
    this.bytes += size;
  }

  /** True when the loose records make a full batch. */
  batchFull(): boolean {
    return this.loose.length >= this.limits.batchRecords || this.looseBytes >= this.limits.batchBytes;
  }

  /**
   * Frames the loose records into a batch at the end of `ready`. The bookkeeping changes only
   * once the batch exists. If framing throws (a bug, or memory refused), the loose records are
   * discarded and `lost(n)` is called for the caller to count them: nothing vanishes uncounted,
   * and a batch that cannot be framed cannot jam the queue (every later cut would throw too).
   */
  cut(lost: (n: number) => void): Entry | undefined {
    let framed: { body: Uint8Array; count: number } | undefined;
    try {
      framed = this.loose.frame(this.alloc);
    } catch {
      const n = this.loose.discard();
      this.records -= n;
      this.bytes -= this.looseBytes;
      this.looseBytes = 0;
      lost(n);
      return undefined;
    }
    if (!framed) return undefined;
    const { body, count } = framed;
    this.bytes -= this.looseBytes;
    this.looseBytes = 0;
    const entry: Entry = {
      seq: ++this.seq,
      batch: { id: randomUUID(), count, body },
      bytes: memoryOf(body),
    };
    this.bytes += entry.bytes;
    this.ready.push(entry);
    return entry;
  }

  /** Drops the oldest loose record (drop-oldest with no batch waiting). False if none. */
  dropOldestLoose(): boolean {
    const n = this.loose.dropOldest();
    if (n < 0) return false;
    this.looseBytes -= n;
    this.bytes -= n;
    this.records--;
    return true;
  }

  /** The batch left memory (exported, spooled, dropped). */
  forget(entry: Entry): void {
    this.records -= entry.batch.count;
    this.bytes -= entry.bytes;
  }

  /** The batch was dropped before anyone saw its body: the buffer can be reused. */
  recycle(entry: Entry): void {
    this.forget(entry);
    this.pool.give(entry.batch.body);
  }
}
