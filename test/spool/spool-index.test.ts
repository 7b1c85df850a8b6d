/**
 * The index's cursor keeps each segment's open records as entries change instead of walking the
 * entries at every cursor write. Checked against a recount from the entries after random
 * appends, leases, settlements, releases, evictions and out-of-order settled seqs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Entry, FRAMES_PER_SEGMENT, Segment, SpoolIndex } from '../../src/spool/index.js';

type Op =
  | { op: 'append'; count: number; rotate: boolean }
  | { op: 'lease' }
  | { op: 'settle'; pick: number }
  | { op: 'release'; pick: number }
  | { op: 'evict' }
  | { op: 'cursor' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('append' as const),
      count: fc.integer({ min: 1, max: 9 }),
      rotate: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ op: 'lease' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('settle' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'evict' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'cursor' as const }) },
);

describe('SpoolIndex.cursor', () => {
  it('the manifest and the settled seqs match a recount from the entries', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => {
        const index = new SpoolIndex();
        let seg: Segment | undefined;
        let segNo = 0;
        let id = 0;
        const entries: Entry[] = [];
        const nextSeq = () =>
          seg ? seg.no * FRAMES_PER_SEGMENT + seg.frames : (segNo + 1) * FRAMES_PER_SEGMENT;
        const check = () => {
          const cursor = index.cursor(nextSeq());
          const open = entries.filter((e) => e.state !== 'done' && index.has(e.seg));
          const expectedBelow = open.length ? Math.min(...open.map((e) => e.seq)) : nextSeq();
          expect(cursor.ackedBelow).toBe(expectedBelow);
          const settled = entries
            .filter((e) => e.state === 'done' && e.seq >= expectedBelow)
            .map((e) => e.seq);
          expect(cursor.acked).toEqual(settled.sort((a, b) => a - b));
          expect([...cursor.segments.keys()]).toEqual(index.segments.map((s) => s.no));
          for (const s of index.segments) {
            const records = s.entries.filter((e) => e.state !== 'done').reduce((n, e) => n + e.count, 0);
            expect(cursor.segments.get(s.no)).toEqual({ end: s.frames, records, sealed: s.closed });
          }
        };
        for (const o of ops) {
          if (o.op === 'append') {
            if (!seg || o.rotate) {
              seg?.seal();
              seg = new Segment(++segNo, `${segNo}.seg`, 16, 0);
              index.addSegment(seg);
            }
            const length = 40 + o.count;
            const offset = seg.bytes;
            const seq = seg.no * FRAMES_PER_SEGMENT + seg.frames;
            entries.push(
              index.addEntry(seg, { seq, offset, length, id: `b-${id++}`, count: o.count, ts: 0 }),
            );
            index.grow(seg, length);
          } else if (o.op === 'lease') {
            const e = index.firstAvailable();
            if (e) index.lease(e);
          } else if (o.op === 'settle' || o.op === 'release') {
            const candidates = entries.filter((e) => e.state !== 'done' && index.has(e.seg));
            const e = candidates[o.pick % Math.max(1, candidates.length)];
            if (e && o.op === 'settle') index.settle(e);
            else if (e) index.release(e);
          } else if (o.op === 'evict') {
            const oldest = index.segments[0];
            if (oldest) {
              if (oldest === seg) seg = undefined;
              index.evict(oldest, 'spool_full');
            }
          } else check();
        }
        check();
        const pending = entries.filter((e) => e.state !== 'done');
        expect(index.pending).toEqual({
          batches: pending.length,
          records: pending.reduce((n, e) => n + e.count, 0),
          bytes: pending.reduce((n, e) => n + e.length, 0),
        });
        expect(index.totalBytes).toBe(index.segments.reduce((n, s) => n + s.bytes, 0));
      }),
      { numRuns: 500 },
    );
  });
});
