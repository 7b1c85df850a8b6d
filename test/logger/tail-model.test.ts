/**
 * Tail buffering against random schedules (fast-check): whatever the interleaving of records,
 * releases and request ends across several open requests, with small caps, the counters add up,
 * the caps hold, and every released record belongs to its request and keeps its order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestContext, runWithRequestContext } from '../../src/index.js';
import type { TailBuffer } from '../../src/logger/index.js';
import { createTestLogger } from '../../src/testing/index.js';

const REQUESTS = 4;
type Op =
  | { kind: 'log'; req: number; size: number }
  | { kind: 'error'; req: number }
  | { kind: 'flush'; req: number }
  | { kind: 'end'; req: number; failed: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('log' as const), req: fc.nat(REQUESTS - 1), size: fc.nat(400) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('error' as const), req: fc.nat(REQUESTS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const), req: fc.nat(REQUESTS - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('end' as const),
      req: fc.nat(REQUESTS - 1),
      failed: fc.boolean(),
    }),
  },
);

describe('tail buffering, model-checked', () => {
  it('counters add up, caps hold, released records keep their request and order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const maxTotalBytes = 4096;
        const maxTotalRecords = 20;
        const { logger, records } = createTestLogger({
          level: 'info',
          tail: { maxRecords: 8, maxBytes: 2048, maxTotalRecords, maxTotalBytes },
        });
        const contexts: RequestContext[] = [];
        const buffers: TailBuffer[] = [];
        const open = (i: number) => {
          contexts[i] = new RequestContext({}, `r${i}`);
          buffers[i] = logger.openTail(contexts[i]) as TailBuffer;
        };
        for (let i = 0; i < REQUESTS; i++) open(i);
        let seq = 0;
        for (const o of ops) {
          const ctx = contexts[o.req] as RequestContext;
          if (o.kind === 'log') {
            seq += 1;
            runWithRequestContext(ctx, () => logger.debug(`${seq}:${'x'.repeat(o.size)}`, { seq }));
          } else if (o.kind === 'error') runWithRequestContext(ctx, () => logger.error('failed'));
          else if (o.kind === 'flush') runWithRequestContext(ctx, () => logger.flushContext());
          else {
            (buffers[o.req] as TailBuffer).end(o.failed);
            open(o.req); // the next request on this slot
          }
          const t = logger.stats().tail;
          expect(t.buffered).toBe(t.released + t.discarded + t.evicted + t.held);
          expect(t.heldBytes).toBeLessThanOrEqual(maxTotalBytes);
          expect(t.held).toBeLessThanOrEqual(maxTotalRecords);
          for (const b of buffers) expect(b.count).toBeLessThanOrEqual(8);
        }
        const released = records.filter((r) => r.level === 'debug');
        expect(released.length).toBe(logger.stats().tail.released);
        // Per request id, released records come out in the order they were logged.
        const lastSeq = new Map<unknown, number>();
        for (const r of released) {
          const id = r.attributes['http.request.id'];
          const s = r.attributes.seq as number;
          expect(String(r.body).startsWith(`${s}:`)).toBe(true); // bytes intact, fields with their body
          expect(s).toBeGreaterThan(lastSeq.get(id) ?? 0);
          lastSeq.set(id, s);
        }
        for (const b of buffers) b.end(false);
        expect(logger.stats().tail).toMatchObject({ held: 0, heldBytes: 0, open: 0 });
      }),
      { numRuns: 60 },
    );
  });
});
