/**
 * Frames a batch's records into one `ExportLogsServiceRequest` body, byte for byte what
 * `encodeRequest` (src/otlp) produces, but into a buffer the caller provides. The pipeline
 * reuses the bodies of batches dropped by `drop-oldest`: during an outage the queue churns
 * its whole size again and again, and fresh `ArrayBuffer`s for every batch would pile up as
 * garbage outside the V8 heap (V8 lets external memory grow by 64 MiB before it collects),
 * breaking the memory bound.
 */
import * as F from '../otlp/fields.js';
import { LEN, tag } from '../otlp/protobuf.js';
import type { EncodedRecord } from '../record/types.js';

const T_RESOURCE_LOGS = tag(F.ExportLogsServiceRequest.resourceLogs, LEN);
const T_RESOURCE = tag(F.ResourceLogs.resource, LEN);
const T_SCOPE_LOGS = tag(F.ResourceLogs.scopeLogs, LEN);
const T_SCOPE = tag(F.ScopeLogs.scope, LEN);
const T_LOG_RECORD = tag(F.ScopeLogs.logRecords, LEN);

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    n >>>= 7;
    size++;
  }
  return size;
}

/** Size of a length-delimited field (one-byte tag) holding `n` bytes. */
const fieldSize = (n: number) => 1 + varintSize(n) + n;

type Groups = Map<EncodedRecord['resource'], Map<EncodedRecord['scope'], EncodedRecord[]>>;

/** Frames `records` into a buffer from `alloc(size)` (exactly `size` bytes long). */
export function frameBatch(
  records: readonly EncodedRecord[],
  alloc: (size: number) => Uint8Array,
): Uint8Array {
  // Group by resource, then scope, by identity (as encodeRequest does).
  const groups: Groups = new Map();
  for (const rec of records) {
    let scopes = groups.get(rec.resource);
    if (!scopes) {
      scopes = new Map();
      groups.set(rec.resource, scopes);
    }
    let list = scopes.get(rec.scope);
    if (!list) {
      list = [];
      scopes.set(rec.scope, list);
    }
    list.push(rec);
  }
  // Pass 1: sizes.
  const sizes = new Map<unknown, number>();
  let total = 0;
  for (const [resource, scopes] of groups) {
    let rl = fieldSize(resource.bytes.length);
    for (const [scope, list] of scopes) {
      let sl = fieldSize(scope.bytes.length);
      for (const rec of list) sl += fieldSize(rec.bytes.length);
      sizes.set(list, sl);
      rl += fieldSize(sl);
    }
    sizes.set(scopes, rl);
    total += fieldSize(rl);
  }
  // Pass 2: bytes.
  const out = alloc(total);
  let pos = 0;
  const varint = (n: number) => {
    while (n > 0x7f) {
      out[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    out[pos++] = n;
  };
  const bytesField = (t: number, bytes: Uint8Array) => {
    out[pos++] = t;
    varint(bytes.length);
    out.set(bytes, pos);
    pos += bytes.length;
  };
  for (const [resource, scopes] of groups) {
    out[pos++] = T_RESOURCE_LOGS;
    varint(sizes.get(scopes)!);
    bytesField(T_RESOURCE, resource.bytes);
    for (const [scope, list] of scopes) {
      out[pos++] = T_SCOPE_LOGS;
      varint(sizes.get(list)!);
      bytesField(T_SCOPE, scope.bytes);
      for (const rec of list) bytesField(T_LOG_RECORD, rec.bytes);
    }
  }
  return out;
}

/**
 * Keeps the bodies of dropped batches for reuse, up to `maxBytes` in total. A body handed to
 * the exporter or the spool is never returned here: they may still hold views of it.
 */
export class BodyPool {
  #free: ArrayBuffer[] = [];
  #freeBytes = 0;

  constructor(readonly maxBytes: number) {}

  /** A view of exactly `size` bytes, in a reused buffer when one fits without much waste. */
  take(size: number): Uint8Array {
    for (let i = 0; i < this.#free.length; i++) {
      const buf = this.#free[i]!;
      if (buf.byteLength >= size && buf.byteLength <= size * 1.5) {
        this.#free.splice(i, 1);
        this.#freeBytes -= buf.byteLength;
        return new Uint8Array(buf, 0, size);
      }
    }
    // Some headroom, so the next batch of a similar size fits this buffer too.
    return new Uint8Array(new ArrayBuffer(Math.ceil((size * 1.125) / 4096) * 4096), 0, size);
  }

  /** Capacity of the buffer behind `body`: what it holds in memory. */
  static capacity(body: Uint8Array): number {
    return body.buffer.byteLength;
  }

  give(body: Uint8Array): void {
    const buf = body.buffer as ArrayBuffer;
    if (this.#freeBytes + buf.byteLength > this.maxBytes) return;
    this.#free.push(buf);
    this.#freeBytes += buf.byteLength;
  }
}
