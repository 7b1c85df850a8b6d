import { describe, expect, it } from 'vitest';
import type { ExportOutcome } from '../../src/export/index.js';
import { bodies, deferred, down, expectInvariant, ok, rec } from './fakes.js';
import { setup } from './harness.js';

describe('batch cutting', () => {
  it('sends a full batch at once, inside the write call, and the rest on flush', async () => {
    const { sink, exporter } = setup();
    for (let i = 0; i < 1100; i++) sink.write(rec(i));
    expect(exporter.calls.map((b) => b.count)).toEqual([512, 512]);
    expectInvariant(sink.stats());
    await sink.flush();
    expect(exporter.calls.map((b) => b.count)).toEqual([512, 512, 76]);
    expect(exporter.delivered).toEqual(Array.from({ length: 1100 }, (_, i) => String(i)));
    const s = sink.stats();
    expect(s).toMatchObject({ accepted: 1100, exported: 1100, queued: 0 });
    expectInvariant(s);
    await sink.shutdown();
  });

  it('cuts by encoded bytes: no batch body exceeds batch.maxBytes', async () => {
    const { sink, exporter } = setup({ batchBytes: 4096 });
    for (let i = 0; i < 100; i++) sink.write(rec(i, 200));
    await sink.flush();
    expect(exporter.calls.length).toBeGreaterThan(4);
    for (const b of exporter.calls) expect(b.body.length).toBeLessThanOrEqual(4096);
    expect(exporter.delivered).toHaveLength(100);
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('sends a partial batch after maxDelayMs without a flush', async () => {
    const { sink, exporter } = setup({ maxDelayMs: 5 });
    sink.write(rec('late'));
    expect(exporter.calls).toHaveLength(0);
    await exporter.waitForCalls(1);
    expect(exporter.calls[0]!.count).toBe(1);
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('keeps up to `concurrency` batches in flight and starts the next when one returns', async () => {
    const { sink, exporter } = setup({ batchRecords: 10, concurrency: 3 });
    const gates: Array<ReturnType<typeof deferred<void>>> = [];
    exporter.respond = async (b) => {
      const g = deferred<void>();
      gates.push(g);
      await g.promise;
      return { exported: b.count, dropped: {}, undelivered: [] };
    };
    for (let i = 0; i < 60; i++) sink.write(rec(i));
    expect(exporter.inFlight).toBe(3);
    expect(sink.stats().queued).toBe(60);
    gates[0]!.resolve();
    await exporter.waitForCalls(4);
    expect(exporter.inFlight).toBe(3);
    exporter.respond = ok;
    for (const g of gates) g.resolve();
    await sink.flush();
    expect(exporter.maxInFlight).toBe(3);
    expect(exporter.delivered).toHaveLength(60);
    expectInvariant(sink.stats());
    await sink.shutdown();
  });
});

describe('flush', () => {
  it('waits for what was written before the call, not for later records', async () => {
    const { sink, exporter } = setup({ batchRecords: 5 });
    const gate = deferred<void>();
    let calls = 0;
    exporter.respond = async (b) => {
      calls++;
      if (calls > 1) await gate.promise; // batches after the first hang
      return { exported: b.count, dropped: {}, undelivered: [] };
    };
    for (let i = 0; i < 3; i++) sink.write(rec(i));
    const flushed = sink.flush();
    for (let i = 0; i < 20; i++) sink.write(rec(`later-${i}`));
    await flushed; // would hang if it waited for the later (gated) batches
    expect(exporter.delivered).toEqual(['0', '1', '2']);
    expect(sink.stats().queued).toBe(20);
    expectInvariant(sink.stats());
    gate.resolve();
    await sink.flush();
    expect(sink.stats().exported).toBe(23);
    expectInvariant(sink.stats());
    await sink.shutdown();
  });
});

describe('outcomes', () => {
  it('counts refused records by reason and undelivered ones as retries_exhausted without a spool', async () => {
    const { sink, exporter } = setup({ batchRecords: 10 });
    let n = 0;
    exporter.respond = (b): ExportOutcome => {
      n++;
      if (n === 1) return { exported: 7, dropped: { rejected: 2, too_large: 1 }, undelivered: [] };
      return down(b);
    };
    for (let i = 0; i < 20; i++) sink.write(rec(i));
    await sink.flush();
    await sink.flush(); // the drop summary written after the first outcome (alone in its batch)
    const s = sink.stats();
    expect(s.exported).toBe(7);
    // The summary (about the 3 refused) is itself undelivered: counted, and never summarized.
    expect(s.accepted).toBe(21);
    expect(s.dropped).toMatchObject({ rejected: 2, too_large: 1, retries_exhausted: 11, total: 14 });
    expect(
      exporter.calls.filter((b) => b.count === 1 && bodies(b.body)[0]?.startsWith('podlog dropped')),
    ).toHaveLength(1);
    expectInvariant(s);
    await sink.shutdown();
  });
});
