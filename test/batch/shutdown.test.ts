import { describe, expect, it } from 'vitest';
import { createDiag } from '../../src/diag.js';
import { until } from '../helpers/wait.js';
import { deferred, expectInvariant, FakeSpool, hangUntilAborted, ok, rec } from './fakes.js';
import { setup } from './harness.js';

describe('shutdown', () => {
  it('flushes everything, closes the exporter, and counts later records as after_shutdown', async () => {
    const { sink, exporter } = setup();
    for (let i = 0; i < 1000; i++) sink.write(rec(i));
    await sink.shutdown();
    expect(exporter.delivered).toHaveLength(1000);
    expect(exporter.closed).toBe(true);
    sink.write(rec('late'));
    const s = sink.stats();
    expect(s).toMatchObject({ accepted: 1001, exported: 1000, queued: 0 });
    expect(s.dropped.after_shutdown).toBe(1);
    expectInvariant(s);
  });

  it('is idempotent: a second call returns the first one', async () => {
    const { sink } = setup();
    sink.write(rec(1));
    const first = sink.shutdown();
    expect(sink.shutdown({ timeoutMs: 1 })).toBe(first);
    await first;
    await sink.flush();
    await sink.drained();
    expectInvariant(sink.stats());
  });

  it('drained(below) waits for the fill to go below `below`; shutdown wakes every waiter at once', async () => {
    const { sink, exporter } = setup({ maxRecords: 10, batchRecords: 10, concurrency: 1 });
    const answer = deferred<void>();
    exporter.respond = async (batch) => {
      await answer.promise;
      return ok(batch);
    };
    for (let i = 0; i < 3; i++) sink.write(rec(i));
    const below = sink.drained(0.2);
    let woken = false;
    void below.then(() => {
      woken = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(woken).toBe(false); // 0.3 is under the low-water mark, not under 0.2
    const done = sink.shutdown({ timeoutMs: 5_000 });
    await until(() => woken, 'the drained(0.2) waiter to wake at shutdown', 2_000);
    expect(sink.stats().queue.records).toBe(3); // still in memory: woken by the close, not the drain
    answer.resolve();
    await done;
    expectInvariant(sink.stats());
  });

  it('after the deadline, aborts in-flight exports and counts the rest as shutdown drops (no spool)', async () => {
    const { sink, exporter } = setup({ batchRecords: 10, concurrency: 1 });
    exporter.respond = hangUntilAborted;
    for (let i = 0; i < 35; i++) sink.write(rec(i));
    await sink.shutdown({ timeoutMs: 20 });
    const s = sink.stats();
    expect(s).toMatchObject({ exported: 0, queued: 0 });
    expect(s.dropped.shutdown).toBe(35);
    expect(exporter.closed).toBe(true);
    expectInvariant(s);
  });

  it('after the deadline, spools what is left when a spool is set', async () => {
    const spool = new FakeSpool();
    const { sink, exporter } = setup({ batchRecords: 10, concurrency: 1, spool });
    exporter.healthy = false; // no replay competes with the live batches
    exporter.respond = hangUntilAborted;
    for (let i = 0; i < 35; i++) sink.write(rec(i));
    await sink.shutdown({ timeoutMs: 20 });
    const s = sink.stats();
    expect(s).toMatchObject({ exported: 0, queued: 0, spooled: 35 });
    expect(s.dropped.total).toBe(0);
    expect([...spool.bodies()].sort()).toEqual(Array.from({ length: 35 }, (_, i) => String(i)).sort());
    expect(spool.closed).toBe(true);
    expectInvariant(s);
  });

  it('waits for a slow but working backend within the deadline', async () => {
    const { sink, exporter } = setup({ batchRecords: 10 });
    const gate = deferred<void>();
    exporter.respond = async (b) => {
      await gate.promise;
      return ok(b);
    };
    for (let i = 0; i < 25; i++) sink.write(rec(i));
    const done = sink.shutdown({ timeoutMs: 10_000 });
    await exporter.waitForCalls(2);
    gate.resolve();
    await done;
    expect(sink.stats()).toMatchObject({ exported: 25, queued: 0 });
    expectInvariant(sink.stats());
  });
});

describe('exitSync (process.exit / fatal exception)', () => {
  it('writes loose, batched and in-flight records to the spool synchronously', async () => {
    const spool = new FakeSpool();
    const { sink, exporter } = setup({ batchRecords: 10, concurrency: 1, spool });
    exporter.healthy = false;
    exporter.respond = hangUntilAborted;
    for (let i = 0; i < 25; i++) sink.write(rec(i));
    sink.exitSync();
    const s = sink.stats();
    expect(s).toMatchObject({ queued: 0, spooled: 25 });
    expect(spool.syncAppends.reduce((a, b) => a + b.count, 0)).toBe(25);
    expectInvariant(s);
    sink.write(rec('after exit'));
    expect(sink.stats().dropped.after_shutdown).toBe(1);
    expectInvariant(sink.stats());
  });

  it('also settles batches that were on their way to disk', async () => {
    const spool = new FakeSpool();
    const { sink, exporter } = setup({ maxRecords: 20, batchRecords: 10, concurrency: 1, spool });
    exporter.respond = hangUntilAborted;
    for (let i = 0; i < 30; i++) sink.write(rec(i)); // one batch starts its async way to disk
    sink.exitSync();
    const s = sink.stats();
    expect(s).toMatchObject({ queued: 0, spooled: 30 });
    expectInvariant(s);
    // The batch on its async way was written already: it is not written again (it would be
    // replayed twice), and is counted once.
    expect(spool.syncAppends.map((b) => b.count)).toEqual([10, 10]);
    expect(spool.stored.map((e) => e.batch.count)).toEqual([10, 10, 10]);
    expect(new Set(spool.stored.map((e) => e.batch.id)).size).toBe(3);
    // Its late resolution adds nothing.
    await new Promise<void>((r) => setImmediate(r));
    expect(spool.stored).toHaveLength(3);
    expect(sink.stats()).toMatchObject({ queued: 0, spooled: 30 });
    expectInvariant(sink.stats());
  });

  it('settles what it wrote: a flush() after exitSync resolves at once instead of waiting forever', async () => {
    const spool = new FakeSpool();
    const { sink, exporter } = setup({ batchRecords: 10, concurrency: 1, spool });
    exporter.respond = hangUntilAborted;
    for (let i = 0; i < 25; i++) sink.write(rec(i)); // in flight, batched and loose
    sink.exitSync();
    // Resolves on its own: no export will ever settle these batches now.
    await sink.flush();
    expect(sink.stats()).toMatchObject({ queued: 0, spooled: 25 });
  });

  it('without a spool counts memory as shutdown drops', () => {
    const { sink, exporter } = setup({ batchRecords: 10 });
    exporter.respond = hangUntilAborted;
    for (let i = 0; i < 25; i++) sink.write(rec(i));
    sink.exitSync();
    expect(sink.stats().dropped.shutdown).toBe(25);
    expectInvariant(sink.stats());
  });
});

describe('shutdown never rejects and always lets go of its hooks', () => {
  const failures = [
    ['the exporter', 'exporter'],
    ['the spool', 'spool'],
  ] as const;
  for (const [what, which] of failures) {
    it(`when closing ${what} rejects: resolves, reports it, and still removes its exit hooks`, async () => {
      const lines: string[] = [];
      const diag = createDiag({ sink: (l) => lines.push(l) });
      const hooksBefore = process.listenerCount('exit');
      const spool = new FakeSpool();
      const { sink, exporter } = setup({ spool, handleExit: true, extra: { diag } });
      expect(process.listenerCount('exit')).toBe(hooksBefore + 1);
      const fail = async () => {
        throw new Error(`${which} close broke`);
      };
      if (which === 'exporter') exporter.close = fail;
      else spool.close = fail;
      sink.write(rec(1));
      await expect(sink.shutdown()).resolves.toBeUndefined();
      expect(process.listenerCount('exit')).toBe(hooksBefore);
      expect(lines.some((l) => l.includes(`${which} close broke`))).toBe(true);
      // Closing went on past the failure.
      if (which === 'exporter') expect(spool.closed).toBe(true);
      expect(sink.stats()).toMatchObject({ exported: 1, queued: 0 });
      expectInvariant(sink.stats());
    });
  }

  const odd: Array<[string, unknown]> = [
    ['beyond the timer limit (2^31 ms)', 2 ** 31],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', 'soon'],
    ['NaN', Number.NaN],
  ];
  for (const [label, timeoutMs] of odd) {
    it(`timeoutMs ${label}: the deadline does not pass at once (nothing dropped as shutdown)`, async () => {
      const { sink, exporter } = setup({ batchRecords: 10, concurrency: 1 });
      exporter.respond = async (b) => {
        await new Promise((r) => setTimeout(r, 20));
        return ok(b);
      };
      for (let i = 0; i < 25; i++) sink.write(rec(i));
      await sink.shutdown({ timeoutMs: timeoutMs as number });
      const s = sink.stats();
      expect(s.dropped.shutdown).toBe(0);
      expect(s).toMatchObject({ exported: 25, queued: 0 });
      expectInvariant(s);
    });
  }
});
