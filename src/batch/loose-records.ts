/**
 * The batch being filled, as bytes: each record is copied on arrival, already framed as a
 * `ScopeLogs.log_records` field, into one buffer that is reused batch after batch.
 *
 * Why not keep the records themselves until the batch is cut: each one is a small object and
 * a view into a 32 KiB slab of the encoder. Kept for a batch's lifetime they survive young
 * garbage collections, and V8 grows its young generation (by up to 16 MiB of RSS, for the life
 * of the process) once enough has survived; the slabs they pin wait for a collection outside
 * the heap. Copied at once, both die young and the queue's memory is this one buffer. Cutting
 * is then one copy when all records share a resource and scope (the common case).
 */

import {
  encodeRequest,
  type FramedRecord,
  fieldSize,
  frameOneScope,
  T_LOG_RECORD,
  writeVarint,
} from '../otlp/encode-request.js';

/** Bytes a record adds to a request body: its bytes plus tag and length prefix. */
export function framedSize(record: FramedRecord): number {
  return fieldSize(record.bytes.length);
}

export class LooseRecords {
  #buf: Uint8Array;
  /** End of the written bytes. */
  #end = 0;
  /** Start of each record's field, and its resource and scope (slots reused, never shrunk). */
  readonly #starts: number[] = [];
  readonly #scopes: FramedRecord['scope'][] = [];
  readonly #resources: FramedRecord['resource'][] = [];
  /** Slots in use; the live ones are `[#head, #count)` (older ones were dropped). */
  #count = 0;
  #head = 0;
  /** Not every live record shares the oldest one's resource and scope. */
  #mixed = false;

  /** `size`: the usual batch bytes, the size the buffer returns to after a larger batch. */
  constructor(readonly size: number) {
    this.#buf = new Uint8Array(Math.min(size, 64 * 1024));
  }

  get length(): number {
    return this.#count - this.#head;
  }

  /** Copies `record` in; `size` is its {@link framedSize}. */
  push(record: FramedRecord, size: number): void {
    if (this.#end + size > this.#buf.length) this.#makeRoom(size);
    const bytes = record.bytes;
    const buf = this.#buf;
    const start = this.#end;
    buf[start] = T_LOG_RECORD;
    const at = writeVarint(buf, start + 1, bytes.length);
    buf.set(bytes, at);
    this.#end = at + bytes.length;
    const i = this.#count++;
    this.#starts[i] = start;
    this.#scopes[i] = record.scope;
    this.#resources[i] = record.resource;
    if (record.scope !== this.#scopes[this.#head] || record.resource !== this.#resources[this.#head]) {
      this.#mixed = true;
    }
  }

  /** Forgets the oldest record; returns its framed size, or -1 if there is none. */
  dropOldest(): number {
    if (this.#head === this.#count) return -1;
    const i = this.#head++;
    const size = (this.#head === this.#count ? this.#end : this.#starts[this.#head]) - this.#starts[i];
    if (this.#head === this.#count) this.#clear();
    return size;
  }

  /**
   * Frames the live records into an `ExportLogsServiceRequest` body in memory from `alloc`, and
   * empties the buffer. Undefined when there are none. Emptied even when framing throws: records
   * that cannot be framed once never can, and must not jam every later batch.
   */
  frame(alloc: (size: number) => Uint8Array): { body: Uint8Array; count: number } | undefined {
    const count = this.length;
    if (count === 0) return undefined;
    try {
      return { body: this.#mixed ? this.#frameMixed(alloc) : this.#frameOneScope(alloc), count };
    } finally {
      this.#clear();
      if (this.#buf.length > 2 * this.size) this.#buf = new Uint8Array(this.size);
    }
  }

  /** One resource, one scope: the headers, then the records as they lie in the buffer. */
  #frameOneScope(alloc: (size: number) => Uint8Array): Uint8Array {
    const head = this.#head;
    const records = this.#buf.subarray(this.#starts[head], this.#end);
    return frameOneScope(this.#resources[head], this.#scopes[head], records, alloc);
  }

  /** Several resources or scopes: views of each record for the general framing. */
  #frameMixed(alloc: (size: number) => Uint8Array): Uint8Array {
    const records: FramedRecord[] = [];
    const buf = this.#buf;
    for (let i = this.#head; i < this.#count; i++) {
      const end = i + 1 === this.#count ? this.#end : this.#starts[i + 1];
      let at = this.#starts[i] + 1;
      while (buf[at] & 0x80) at++;
      records.push({
        bytes: buf.subarray(at + 1, end),
        scope: this.#scopes[i],
        resource: this.#resources[i],
      });
    }
    return encodeRequest(records, alloc);
  }

  #clear(): void {
    this.#end = this.#count = this.#head = 0;
    this.#mixed = false;
  }

  /** Room for `size` more bytes: drop the space of dropped records, then grow if needed. */
  #makeRoom(size: number): void {
    const head = this.#head;
    const from = head === this.#count ? this.#end : this.#starts[head];
    const live = this.#end - from;
    const needed = live + size;
    const target =
      needed <= this.#buf.length ? this.#buf : new Uint8Array(Math.max(needed, 2 * this.#buf.length));
    target.set(this.#buf.subarray(from, this.#end), 0);
    this.#buf = target;
    this.#end = live;
    if (from === 0 && head === 0) return;
    const n = this.#count - head;
    for (let i = 0; i < n; i++) {
      this.#starts[i] = this.#starts[head + i] - from;
      this.#scopes[i] = this.#scopes[head + i];
      this.#resources[i] = this.#resources[head + i];
    }
    this.#count = n;
    this.#head = 0;
  }
}
