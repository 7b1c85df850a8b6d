/**
 * A small, reusable protobuf writer for the hot path.
 *
 * protobufjs's Writer builds a linked list of operations and allocates on every `fork()`;
 * an exception in the middle of a fork leaves its state stack half-popped. This writer
 * writes straight into one growable buffer and encodes a nested message by reserving one
 * length byte and back-patching it (shifting the contents in the rare case the length needs
 * more than one byte). Its whole state is `pos`, so rolling back a value that threw half-way
 * is `w.pos = saved`: no hidden stack to corrupt.
 */

const INITIAL_SIZE = 8 * 1024;
/** Slab size of a {@link ByteWriter} used with {@link ByteWriter.take}. */
const SLAB_SIZE = 32 * 1024;
/** Start a new slab when less than this is left: a record rarely needs more. */
const MIN_FREE = 2 * 1024;

export class ByteWriter {
  buf: Buffer;
  pos = 0;
  /** Where the current message starts (see {@link take}). */
  #start = 0;
  #view: DataView;
  /** Plain view of `buf`: slicing a Buffer goes through its species constructor, which is slow. */
  #u8: Uint8Array;

  constructor(size = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafeSlow(size);
    this.#view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.#u8 = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Starts a new message at offset 0, for writers whose output is {@link copy}'d. */
  reset(): void {
    this.pos = this.#start = 0;
    if (this.buf.length > 8 * SLAB_SIZE) this.#replace(INITIAL_SIZE, 0);
  }

  /**
   * Starts a new message after the previous one, in slab mode: records are written one after
   * another into a shared slab and handed out as views ({@link take}), the way Node pools
   * small Buffers. This saves an ArrayBuffer allocation and a copy per record. A view keeps
   * its slab alive, so a full slab is only freed once all its records are gone; the queue
   * holds records in time order, so that costs at most about one slab beyond the queued bytes.
   */
  next(): void {
    if (this.buf.length - this.#start < MIN_FREE || this.buf.length > SLAB_SIZE) {
      this.pos = this.#start = 0;
      this.#replace(SLAB_SIZE, 0);
    } else this.pos = this.#start;
  }

  /** The message written since {@link next}, as a view into the slab; the slab moves on. */
  take(): Uint8Array {
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.#start, this.pos - this.#start);
    this.#start = this.pos;
    return out;
  }

  /** Copies out the message written since {@link reset}, bytes `[0, pos)`. */
  copy(): Uint8Array {
    return this.#u8.slice(0, this.pos);
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.#replace(Math.max(this.buf.length * 2, this.pos + n + 1024), this.#start);
    }
  }

  /**
   * Moves to a fresh buffer of `size`, copying the message in progress `[from, pos)` to the
   * SAME offsets, so positions held by callers (`begin()` marks, rollback points) stay valid.
   */
  #replace(size: number, from: number): void {
    const next = Buffer.allocUnsafeSlow(size);
    if (this.pos > from) this.buf.copy(next, from, from, this.pos);
    this.buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
    this.#u8 = new Uint8Array(next.buffer, next.byteOffset, next.byteLength);
  }

  /** Unsigned varint of a value in [0, 2^32). */
  varint32(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    v >>>= 0;
    while (v > 0x7f) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  /** One-byte tag (field numbers < 16), the only kind podlog's records use. */
  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /**
   * int64 varint of a safe integer, without BigInt: a negative value is written as its 64-bit
   * two's complement (10 bytes), as protobuf requires. For a safe integer, `v >>> 0` is the low
   * word and `Math.floor(v / 2^32) >>> 0` the high word of that two's complement.
   */
  int64(v: number): void {
    if (v >= 0 && v < 0x1_0000_0000) this.varint32(v);
    else this.varint64(v >>> 0, Math.floor(v / 0x1_0000_0000) >>> 0);
  }

  /** Varint of the unsigned 64-bit value `hi * 2^32 + lo`. */
  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (hi !== 0) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.#view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  /** fixed64 from its two 32-bit halves. */
  fixed64(lo: number, hi: number): void {
    this.ensure(8);
    this.#view.setUint32(this.pos, lo >>> 0, true);
    this.#view.setUint32(this.pos + 4, hi >>> 0, true);
    this.pos += 8;
  }

  double(v: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Length-prefixed bytes. */
  bytes(v: Uint8Array): void {
    this.varint32(v.length);
    this.raw(v);
  }

  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /**
   * Length-prefixed UTF-8 string. Lone surrogates become U+FFFD, so the bytes are always
   * valid UTF-8 (protobuf `string` requires it; protobufjs would write CESU-8 here).
   */
  string(s: string): void {
    const n = s.length;
    if (n < 64) {
      // ASCII fast path: most keys and short values.
      this.ensure(n + 1);
      const b = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        b[start] = n;
        this.pos = p;
        return;
      }
    }
    // Buffer.byteLength and utf8Write both treat a lone surrogate as the 3-byte U+FFFD.
    const len = Buffer.byteLength(s, 'utf8');
    this.varint32(len);
    this.ensure(len);
    const written = this.buf.write(s, this.pos, len, 'utf8');
    this.pos += written;
    // Unreachable with Node's encoder; a throw here makes the caller roll the value back
    // instead of leaving a wrong length prefix in the record.
    if (written !== len) throw new Error('podlog: UTF-8 length mismatch');
  }

  /** Reserves one byte for the length of a nested message; returns where it starts. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Back-patches the length of the message started at `start`. */
  end(start: number): void {
    const len = this.pos - start - 1;
    if (len < 0x80) {
      this.buf[start] = len;
      return;
    }
    const size = len < 0x4000 ? 2 : len < 0x20_0000 ? 3 : len < 0x1000_0000 ? 4 : 5;
    this.ensure(size - 1);
    this.buf.copyWithin(start + size, start + 1, this.pos);
    const end = this.pos + size - 1;
    // The length prefix is written in place; the message is longer than it, so no growth.
    this.pos = start;
    this.varint32(len);
    this.pos = end;
  }
}
