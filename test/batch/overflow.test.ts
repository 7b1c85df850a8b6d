import { describe, expect, it } from 'vitest';
import type { ExportOutcome } from '../../src/export/index.js';
import { DROP_SUMMARY_EVENT } from '../../src/logger/index.js';
import { decodeProtobufRequest } from '../../src/otlp/index.js';
import { until } from '../helpers/wait.js';
import { deferred, expectInvariant, FakeSpool, ok, rec } from './fakes.js';
import { setup } from './harness.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Makes every export wait for `gate` (the backend is stuck); returns the gate. */
function stall(exporter: ReturnType<typeof setup>['exporter']) {
  const gate = deferred<void>();
  exporter.respond = async (b): Promise<ExportOutcome> => {
    await gate.promise;
    return ok(b);
  };
  return gate;
}

describe('overflow: drop-newest', () => {
  it('counts exactly the records beyond the queue and reports them in one record of its own', async () => {
    const { sink, exporter } = setup({ maxRecords: 100, overflow: 'drop-newest' });
    for (let i = 0; i < 150; i++) sink.write(rec(i));
    let s = sink.stats();
    expect(s.dropped.queue_full).toBe(50);
    expect(s.queued).toBe(100);
    expect(sink.pressure).toBe(1);
    expectInvariant(s);
    await sink.flush(); // frees the queue: the summary is written
    await sink.flush(); // and delivered
    expect(exporter.delivered.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    const summaries = exporter.calls
      .flatMap((b) => decodeProtobufRequest(b.body).resourceLogs)
      .flatMap((rl) => rl.scopeLogs)
      .filter((sl) => sl.scope.name === 'podlog')
      .flatMap((sl) => sl.logRecords);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      severityText: 'WARN',
      eventName: DROP_SUMMARY_EVENT,
      body: 'podlog dropped 50 records (queue_full: 50)',
    });
    expect(summaries[0]!.attributes).toMatchObject({
      'podlog.dropped.queue_full': 50n,
      'podlog.dropped.total': 50n,
    });
    s = sink.stats();
    expect(s).toMatchObject({ accepted: 151, exported: 101, queued: 0 });
    expectInvariant(s);
    await sink.shutdown();
  });

  it('drops a record larger than the whole queue as too_large', async () => {
    const { sink } = setup({ maxBytes: 2048 });
    sink.write(rec('huge', 4096));
    expect(sink.stats().dropped.too_large).toBe(1);
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('bounds the queue in bytes as well as records', async () => {
    const { sink, exporter } = setup({ maxBytes: 10_000, batchRecords: 10, overflow: 'drop-newest' });
    const gate = stall(exporter);
    for (let i = 0; i < 100; i++) sink.write(rec(i, 500));
    const s = sink.stats();
    expect(s.queue.bytes).toBeLessThanOrEqual(10_000);
    expect(s.dropped.queue_full).toBeGreaterThan(70);
    expect(s.queued + s.dropped.queue_full).toBe(100);
    expectInvariant(s);
    gate.resolve();
    await sink.shutdown();
    expectInvariant(sink.stats());
  });
});

describe('overflow: drop-oldest', () => {
  it('drops the oldest batches not yet in flight and keeps the newest', async () => {
    const { sink, exporter } = setup({
      maxRecords: 100,
      batchRecords: 10,
      concurrency: 1,
      overflow: 'drop-oldest',
    });
    const gate = stall(exporter);
    for (let i = 0; i < 300; i++) sink.write(rec(i));
    expect(sink.stats().dropped.queue_full).toBe(200);
    expectInvariant(sink.stats());
    gate.resolve();
    await sink.flush();
    const expected = [
      ...Array.from({ length: 10 }, (_, i) => i),
      ...Array.from({ length: 90 }, (_, i) => 210 + i),
    ];
    expect(exporter.delivered.filter((b) => !b.startsWith('podlog'))).toEqual(expected.map(String));
    expectInvariant(sink.stats());
    await sink.shutdown();
  });
});

describe('overflow: spool', () => {
  it('moves the oldest batches to disk when the queue is full, and replays them once the backend answers', async () => {
    const spool = new FakeSpool();
    const { sink, exporter } = setup({
      maxRecords: 100,
      batchRecords: 10,
      concurrency: 2,
      spool,
      overflow: 'spool',
    });
    const gate = stall(exporter);
    for (let i = 0; i < 300; i += 50) {
      for (let j = i; j < i + 50; j++) sink.write(rec(j));
      await tick(); // the disk gets its turn between bursts
    }
    let s = sink.stats();
    expect(s.dropped.total).toBe(0);
    expect(s.queued).toBeLessThanOrEqual(100);
    expect(s.spooled).toBe(300 - s.queued);
    expect(spool.bodies()).toEqual(Array.from({ length: 200 }, (_, i) => String(i + 20)));
    expectInvariant(s);
    gate.resolve();
    exporter.respond = ok;
    await sink.flush();
    await until(() => sink.stats().exported === 300, 'replay of the spooled records');
    s = sink.stats();
    expect(s).toMatchObject({ exported: 300, queued: 0, spooled: 0 });
    expect([...exporter.delivered].sort()).toEqual(Array.from({ length: 300 }, (_, i) => String(i)).sort());
    expectInvariant(s);
    await sink.shutdown();
  });

  it('keeps memory bounded during a synchronous burst: beyond the spill budget, newest records are dropped', async () => {
    const spool = new FakeSpool();
    const { sink, exporter } = setup({ maxRecords: 100, batchRecords: 10, concurrency: 1, spool });
    const gate = stall(exporter);
    for (let i = 0; i < 300; i++) sink.write(rec(i));
    const s = sink.stats();
    // 100 in memory, 100 on their way to disk, the rest dropped and counted.
    expect(s.dropped.queue_full).toBe(100);
    expectInvariant(s);
    await tick();
    expect(sink.stats().spooled).toBe(100);
    expectInvariant(sink.stats());
    gate.resolve();
    await sink.shutdown();
    expectInvariant(sink.stats());
  });

  it('measures batches on their way to disk as the queue does (memory held): the spill stays within queue.maxBytes', async () => {
    const spool = new FakeSpool();
    // A disk that does not answer: every spill stays in memory.
    const disk = deferred<void>();
    const append = spool.append.bind(spool);
    let pending = 0;
    spool.append = async (b) => {
      pending++;
      await disk.promise;
      return append(b);
    };
    const maxBytes = 64 * 1024;
    const { sink, exporter } = setup({ maxBytes, batchRecords: 1, concurrency: 1, spool });
    const gate = stall(exporter);
    for (let i = 0; i < 2000; i++) sink.write(rec(i));
    // A one-record batch is a small body in a 4 KiB buffer: memory is the buffer, not the body.
    const held = sink.stats().queue.bytes / (sink.stats().queue.records || 1);
    expect(held).toBeGreaterThanOrEqual(4096);
    expect(pending * 4096).toBeLessThanOrEqual(maxBytes);
    expect(pending).toBeGreaterThan(0);
    expectInvariant(sink.stats());
    disk.resolve();
    gate.resolve();
    await sink.shutdown();
    expectInvariant(sink.stats());
  });

  it('counts a batch the disk refused as disk_error', async () => {
    const spool = new FakeSpool();
    spool.accept = false;
    const { sink, exporter } = setup({ maxRecords: 20, batchRecords: 10, concurrency: 1, spool });
    const gate = stall(exporter);
    for (let i = 0; i < 30; i++) sink.write(rec(i));
    await tick();
    const s = sink.stats();
    expect(s.dropped.disk_error).toBe(10);
    expectInvariant(s);
    gate.resolve();
    await sink.shutdown();
    expectInvariant(sink.stats());
  });
});

describe('pressure and drained()', () => {
  it('reports the fill and resolves drained() below the low-water mark', async () => {
    const { sink, exporter } = setup({ maxRecords: 100, batchRecords: 10, concurrency: 1 });
    const gate = stall(exporter);
    for (let i = 0; i < 80; i++) sink.write(rec(i));
    expect(sink.pressure).toBeCloseTo(0.8);
    expect(sink.stats().queue.fill).toBeCloseTo(0.8);
    let drained = false;
    const waiting = sink.drained().then(() => {
      drained = true;
    });
    await tick();
    expect(drained).toBe(false);
    gate.resolve();
    await waiting;
    expect(sink.pressure).toBeLessThan(0.5);
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('resolves drained() at once when the queue is calm', async () => {
    const { sink } = setup({ maxRecords: 100 });
    sink.write(rec(1));
    expect(sink.pressure).toBeCloseTo(0.01);
    let drained = false;
    void sink.drained().then(() => {
      drained = true;
    });
    await tick();
    expect(drained).toBe(true);
    // Still queued (the batch waits for maxDelayMs): it resolved for the low fill, not an empty queue.
    expect(sink.stats().queued).toBe(1);
    await sink.shutdown();
    expectInvariant(sink.stats());
  });
});
