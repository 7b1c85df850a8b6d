import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClockReading, fixed64Words, nowUnixNano, readClock } from '../../src/record/index.js';

describe('clock', () => {
  it('computes fixed64 words exactly from (ms, nanos) for any date up to year 9999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_402_300_799_999 }),
        fc.integer({ min: 0, max: 999_999 }),
        (ms, nanos) => {
          const out = { lo: 0, hi: 0 };
          fixed64Words(ms, nanos, out);
          const expected = BigInt(ms) * 1_000_000n + BigInt(nanos);
          expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(expected);
          expect(out.lo).toBeGreaterThanOrEqual(0);
          expect(out.lo).toBeLessThan(2 ** 32);
        },
      ),
    );
  });

  it('never goes backwards and is close to Date.now()', () => {
    const r: ClockReading = { ms: 0, nanos: 0 };
    let prev = -1n;
    for (let i = 0; i < 10_000; i++) {
      readClock(r);
      const t = BigInt(r.ms) * 1_000_000n + BigInt(r.nanos);
      expect(t >= prev).toBe(true);
      expect(r.nanos).toBeGreaterThanOrEqual(0);
      expect(r.nanos).toBeLessThan(1_000_000);
      prev = t;
    }
    expect(Math.abs(r.ms - Date.now())).toBeLessThan(1000);
    expect(nowUnixNano() >= prev).toBe(true);
  });

  it('has sub-millisecond precision (readings within one millisecond differ)', () => {
    const r: ClockReading = { ms: 0, nanos: 0 };
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(readClock(r).nanos);
    // Millisecond clocks would only ever show nanos === 0.
    expect([...seen].some((n) => n !== 0)).toBe(true);
  });
});
