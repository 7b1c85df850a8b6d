import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyPool, frameBatch } from '../../src/batch/frame-batch.js';
import { encodeRequest } from '../../src/otlp/encode-request.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../../src/record/types.js';
import { rec } from './fakes.js';

const resources: EncodedResource[] = [
  { attributes: {}, bytes: new Uint8Array(0) },
  { attributes: {}, bytes: new Uint8Array(300).fill(7) },
];
const scopes: EncodedScope[] = [
  { name: '', version: '', bytes: new Uint8Array(0) },
  { name: 'a', version: '', bytes: new Uint8Array([10, 1, 97]) },
  { name: 'big', version: '', bytes: new Uint8Array(200).fill(1) },
];

describe('frameBatch', () => {
  it('produces exactly the bytes of encodeRequest, for any mix of resources, scopes and sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ r: fc.nat(1), s: fc.nat(2), size: fc.nat(20_000) }), { maxLength: 60 }),
        (specs) => {
          const records: EncodedRecord[] = specs.map(({ r, s, size }, i) => ({
            ...rec(i, size),
            resource: resources[r]!,
            scope: scopes[s]!,
          }));
          const framed = frameBatch(records, (n) => new Uint8Array(n));
          expect(Buffer.from(framed).equals(Buffer.from(encodeRequest(records)))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reuses a given-back buffer for a batch of similar size, within its byte budget', () => {
    const pool = new BodyPool(1 << 20);
    const first = pool.take(100_000);
    expect(first.length).toBe(100_000);
    pool.give(first);
    const second = pool.take(101_000);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(101_000);
    const small = pool.take(10); // nothing to reuse: a fresh buffer
    expect(small.buffer).not.toBe(first.buffer);
    const tiny = new BodyPool(1000);
    const big = tiny.take(5000);
    tiny.give(big); // over the budget: left to the GC
    expect(tiny.take(5000).buffer).not.toBe(big.buffer);
  });
});
