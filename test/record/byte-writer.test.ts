import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader } from '../../src/otlp/index.js';
import { ByteWriter } from '../../src/record/index.js';

const fatal = new TextDecoder('utf-8', { fatal: true });

function readString(bytes: Uint8Array): Uint8Array {
  const r = Reader.create(bytes);
  const len = r.uint32();
  return bytes.subarray(r.pos, r.pos + len);
}

describe('ByteWriter', () => {
  it('writes int64 varints like protobufjs for any safe integer, without BigInt', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const w = new ByteWriter(16);
        w.int64(n);
        const r = Reader.create(w.copy());
        const long = r.int64() as unknown as { low: number; high: number };
        const v = BigInt.asIntN(64, (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0));
        expect(v).toBe(BigInt(n));
        expect(r.pos).toBe(r.len);
      }),
    );
  });

  it('writes fixed64 from two words and doubles little-endian', () => {
    const w = new ByteWriter(4);
    w.fixed64(0xdeadbeef, 0x01020304);
    w.double(-0.1);
    const b = Buffer.from(w.copy());
    expect(b.readBigUInt64LE(0)).toBe(0x01020304deadbeefn);
    expect(b.readDoubleLE(8)).toBe(-0.1);
  });

  it('encodes ASCII and non-ASCII strings as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const w = new ByteWriter(8);
        w.string(s);
        expect(fatal.decode(readString(w.copy()))).toBe(s);
      }),
    );
  });

  it('turns lone surrogates into U+FFFD so the bytes are valid UTF-8 (short and long strings)', () => {
    for (const s of ['a\ud800b', '\udc00', 'x'.repeat(100) + '\ud83d', '\ud83d\ude00\ud83d']) {
      const w = new ByteWriter(8);
      w.string(s);
      const text = fatal.decode(readString(w.copy()));
      expect(text).toBe(
        s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
      );
      expect(text).toContain('\ufffd');
    }
  });

  it('back-patches nested lengths, shifting contents when the length needs more bytes', () => {
    for (const size of [0, 1, 127, 128, 300, 16383, 16384, 70_000]) {
      const w = new ByteWriter(16);
      w.byte(0x0a);
      const outer = w.begin();
      const inner = w.begin();
      w.raw(new Uint8Array(size).fill(7));
      w.end(inner);
      w.end(outer);
      const r = Reader.create(w.copy());
      expect(r.uint32()).toBe(0x0a);
      const outerLen = r.uint32();
      expect(outerLen).toBe(r.len - r.pos);
      expect(r.uint32()).toBe(size);
      expect(r.len - r.pos).toBe(size);
    }
  });

  it('rolls back by resetting pos, also across a buffer growth', () => {
    const w = new ByteWriter(8);
    w.byte(1);
    const saved = w.pos;
    const mark = w.begin();
    w.raw(new Uint8Array(10_000));
    expect(mark).toBe(1);
    w.pos = saved;
    w.byte(2);
    expect([...w.copy()]).toEqual([1, 2]);
  });

  it('hands out records as independent views of a slab (take), keeping earlier ones intact', () => {
    const w = new ByteWriter(4096);
    const views: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      w.next();
      w.string(`record-${i}-${'z'.repeat(i * 7)}`);
      views.push(w.take());
    }
    views.forEach((v, i) => {
      expect(Buffer.from(readString(v)).toString()).toBe(`record-${i}-${'z'.repeat(i * 7)}`);
    });
  });
});
