/**
 * Reuse of request bodies. During an outage with `drop-oldest` the queue churns its whole size
 * again and again; fresh `ArrayBuffer`s for every batch would pile up as garbage outside the V8
 * heap (V8 lets external memory grow by 64 MiB before it collects), breaking the memory bound.
 */
/**
 * Memory a batch body keeps alive: the capacity of the buffer behind it (a pooled body is a
 * view of a somewhat larger buffer; an exporter's split part may be a view of its original).
 * The one measure of bytes in memory: the memory queue counts cut batches by it and the spill
 * budgets batches on their way to disk by it. (Loose records count their framed size: they
 * are copied into the one loose-records buffer, whose size follows theirs.)
 */
export function memoryOf(body: Uint8Array): number {
  return body.buffer.byteLength;
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

  give(body: Uint8Array): void {
    const buf = body.buffer as ArrayBuffer;
    if (this.#freeBytes + buf.byteLength > this.maxBytes) return;
    this.#free.push(buf);
    this.#freeBytes += buf.byteLength;
  }
}
