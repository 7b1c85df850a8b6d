/**
 * The batch being filled is kept as framed bytes (src/batch/loose-records.ts). Whatever the
 * path (one scope, mixed resources and scopes, records dropped from the front, a record larger
 * than the buffer), the body it frames must be exactly what the general framing
 * (`encodeRequest`) makes of the same records, and the records must not be kept.
 */
import { describe, expect, it } from 'vitest';
import { framedSize, LooseRecords } from '../../src/batch/index.js';
import { encodeRequest } from '../../src/otlp/index.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../../src/record/index.js';
import { logRecordBytes, varint } from './fakes.js';

const enc = new TextEncoder();
const resourceA: EncodedResource = { attributes: {}, bytes: enc.encode('\x0a\x03res') };
const resourceB: EncodedResource = { attributes: {}, bytes: enc.encode('\x0a\x04res2') };
const scopeA: EncodedScope = { name: 'a', version: '', bytes: enc.encode('\x0a\x01a') };
const scopeB: EncodedScope = { name: 'b', version: '', bytes: enc.encode('\x0a\x01b') };

/** A record whose bytes are a valid LogRecord (body string) of `size` bytes of payload. */
function record(i: number, size = 20, scope = scopeA, resource = resourceA): EncodedRecord {
  return { bytes: logRecordBytes(`${i}:`.padEnd(size, 'x')), scope, resource };
}

/** Pushes copies of the records' bytes, then scribbles over the originals. */
function pushAll(loose: LooseRecords, records: EncodedRecord[]): void {
  for (const r of records) {
    const own = { ...r, bytes: r.bytes.slice() };
    loose.push(own, framedSize(own));
    own.bytes.fill(0xff); // the caller may reuse its memory at once
  }
}

const alloc = (n: number) => new Uint8Array(n);

describe('LooseRecords', () => {
  it('frames one resource and scope exactly as encodeRequest does', () => {
    const loose = new LooseRecords(1 << 20);
    const records = Array.from({ length: 300 }, (_, i) => record(i));
    pushAll(loose, records);
    expect(loose.length).toBe(300);
    const framed = loose.frame(alloc)!;
    expect(framed.count).toBe(300);
    expect(Buffer.from(framed.body).equals(Buffer.from(encodeRequest(records)))).toBe(true);
    expect(loose.length).toBe(0);
    expect(loose.frame(alloc)).toBeUndefined();
  });

  it('frames mixed resources and scopes exactly as encodeRequest does', () => {
    const loose = new LooseRecords(1 << 20);
    const records = Array.from({ length: 50 }, (_, i) =>
      record(i, 10 + i, i % 3 ? scopeA : scopeB, i % 4 ? resourceA : resourceB),
    );
    pushAll(loose, records);
    const framed = loose.frame(alloc)!;
    expect(Buffer.from(framed.body).equals(Buffer.from(encodeRequest(records)))).toBe(true);
    // The next batch, one scope again, takes the one-scope path.
    const next = [record(100), record(101)];
    pushAll(loose, next);
    expect(Buffer.from(loose.frame(alloc)!.body).equals(Buffer.from(encodeRequest(next)))).toBe(true);
  });

  it('drops the oldest records (their framed size), compacting when it needs the room', () => {
    const loose = new LooseRecords(4096); // starts at 4 KiB: pushes below force room-making
    const all: EncodedRecord[] = [];
    let kept = 0;
    for (let i = 0; i < 2000; i++) {
      const r = record(i, 50 + (i % 200));
      all.push(r);
      pushAll(loose, [r]);
      if (i % 3 !== 2) {
        const dropped = all[kept++];
        expect(loose.dropOldest()).toBe(framedSize(dropped));
      }
    }
    const live = all.slice(kept);
    expect(loose.length).toBe(live.length);
    expect(Buffer.from(loose.frame(alloc)!.body).equals(Buffer.from(encodeRequest(live)))).toBe(true);
    expect(loose.dropOldest()).toBe(-1);
  });

  it('takes a record larger than its buffer, and frames the next batches correctly', () => {
    const loose = new LooseRecords(64 * 1024);
    const big = record(0, 300_000);
    const batches = [[record(1), big, record(2)], [record(3)], [record(4, 70_000), record(5)]];
    for (const records of batches) {
      pushAll(loose, records);
      expect(Buffer.from(loose.frame(alloc)!.body).equals(Buffer.from(encodeRequest(records)))).toBe(true);
    }
  });

  it('framedSize is the record as a log_records field: tag, length, bytes', () => {
    for (const size of [1, 100, 126, 127, 128, 16_380, 16_400, 2_100_000]) {
      const r = record(0, size);
      expect(framedSize(r)).toBe(1 + varint(r.bytes.length).length + r.bytes.length);
    }
  });
});
