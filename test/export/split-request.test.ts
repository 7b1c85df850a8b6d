import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkRequest, DecodeError, splitRequest } from '../../src/otlp/index.js';
import {
  canonical,
  decodeIndependentProtobuf,
  encodeIndependent,
  flatRecords,
  makeRequest,
  scopeRecords,
} from '../helpers/otlp-independent.js';

describe('splitRequest (413 halves)', () => {
  it('splits into two valid requests that together hold every record, with resource and scope kept', () => {
    const request = makeRequest({ layout: [[3, 2], [4]] });
    const body = encodeIndependent(request);
    const halves = splitRequest(body);
    expect(halves).toHaveLength(2);
    const [a, b] = halves!;
    expect(a.count + b.count).toBe(9);
    expect(a.count).toBeGreaterThan(0);
    expect(b.count).toBeGreaterThan(0);
    const da = decodeIndependentProtobuf(a.body);
    const db = decodeIndependentProtobuf(b.body);
    expect(flatRecords(da)).toHaveLength(a.count);
    expect([...flatRecords(da), ...flatRecords(db)]).toEqual(flatRecords(canonical(request)));
    // schema_url (a non-record field of ResourceLogs) travels with its records.
    // biome-ignore lint/suspicious/noExplicitAny: plain decoded object.
    expect((db as any).resourceLogs.at(-1).schemaUrl).toBe('https://opentelemetry.io/schemas/1.1');
  });

  it('cuts near the byte midpoint, not the record midpoint', () => {
    const small = makeRequest({ layout: [[3]] });
    const big = makeRequest({ layout: [[1]], pad: 5000 });
    scopeRecords(small).unshift(scopeRecords(big)[0]);
    const [a, b] = splitRequest(encodeIndependent(small))!;
    expect(a.count).toBe(1);
    expect(b.count).toBe(3);
  });

  it('returns undefined for a single record, and counts records', () => {
    const one = encodeIndependent(makeRequest({ layout: [[1]] }));
    expect(splitRequest(one)).toBeUndefined();
    const counts = (body: Uint8Array) => chunkRequest(body, 1 << 20).parts.map((p) => p.count);
    expect(counts(one)).toEqual([1]);
    expect(counts(encodeIndependent(makeRequest({ layout: [[2, 0], [5]] })))).toEqual([7]);
  });

  it('throws DecodeError on a malformed body', () => {
    expect(() => splitRequest(new Uint8Array([0x0a, 0x50, 1, 2]))).toThrow(DecodeError);
  });
});

describe('chunkRequest (request size cap)', () => {
  it('cuts into parts within the cap, in order, leaving out records that cannot fit alone', () => {
    const request = makeRequest({ layout: [[5, 3], [4]], pad: 200 });
    const body = encodeIndependent(request);
    const cap = 1200;
    const { parts, oversized } = chunkRequest(body, cap);
    expect(oversized).toBe(0);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.body.length).toBeLessThanOrEqual(cap);
    const all = parts.flatMap((p) => {
      const decoded = decodeIndependentProtobuf(p.body);
      expect(flatRecords(decoded)).toHaveLength(p.count);
      return flatRecords(decoded);
    });
    expect(all).toEqual(flatRecords(canonical(request)));
  });

  it('reports a record bigger than the cap as oversized', () => {
    const small = makeRequest({ layout: [[2]] });
    const big = makeRequest({ layout: [[1]], pad: 4000 });
    scopeRecords(small).splice(1, 0, scopeRecords(big)[0]);
    const { parts, oversized } = chunkRequest(encodeIndependent(small), 2000);
    expect(oversized).toBe(1);
    expect(parts.reduce((n, p) => n + p.count, 0)).toBe(2);
  });

  it('property: any layout and cap keeps every record exactly once, in order, within the cap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 300, max: 3000 }),
        (layout, pad, cap) => {
          const request = makeRequest({ layout, pad });
          const body = encodeIndependent(request);
          const expected = flatRecords(canonical(request));
          const { parts, oversized } = chunkRequest(body, cap);
          const got = parts.flatMap((p) => {
            expect(p.body.length).toBeLessThanOrEqual(cap);
            return flatRecords(decodeIndependentProtobuf(p.body));
          });
          expect(got.length + oversized).toBe(expected.length);
          if (oversized === 0) expect(got).toEqual(expected);
          const halves = splitRequest(body);
          if (expected.length >= 2) {
            const [a, b] = halves!;
            expect([
              ...flatRecords(decodeIndependentProtobuf(a.body)),
              ...flatRecords(decodeIndependentProtobuf(b.body)),
            ]).toEqual(expected);
          } else expect(halves).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });
});
