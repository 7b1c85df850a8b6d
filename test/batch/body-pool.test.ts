import { describe, expect, it } from 'vitest';
import { BodyPool } from '../../src/batch/index.js';

describe('BodyPool', () => {
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
