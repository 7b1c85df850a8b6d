import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/export/types.js';
import { encodeRequest } from '../../src/otlp/encode-request.js';
import { Counters } from '../../src/stats.js';
import { down, expectInvariant, FakeSpool, rec, until } from './fakes.js';
import { setup } from './harness.js';

/** A batch as an earlier process would have left it on disk. */
function oldBatch(id: string, n: number): Batch {
  const records = Array.from({ length: n }, (_, i) => rec(`${id}-${i}`));
  return { id, count: n, body: encodeRequest(records) };
}

const fast = { replayRetryMs: 5 };

describe('replay from the spool', () => {
  it('replays recovered batches oldest first without waiting for a log call, and acks them', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('a', 3), oldBatch('b', 2)]);
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    expectInvariant(sink.stats());
    await until(() => spool.acked.length === 2, 'both batches acked');
    expect(exporter.calls.map((b) => b.id)).toEqual(['a', 'b']);
    const s = sink.stats();
    expect(s).toMatchObject({ recovered: 5, exported: 5, spooled: 0 });
    expectInvariant(s);
    await sink.shutdown();
    expect(spool.closed).toBe(true);
  });

  it('waits while the exporter is unhealthy, then replays', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('a', 3)]);
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    exporter.healthy = false;
    await until(() => exporter.healthChecks >= 3, 'the replayer polling health');
    expect(exporter.calls).toHaveLength(0);
    exporter.healthy = true;
    await until(() => spool.acked.length === 1, 'replay after recovery');
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('releases a batch that did not go through and tries again after a pause', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('a', 3)]);
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    let failures = 0;
    exporter.respond = (b) => {
      if (failures++ < 2) return down(b);
      return { exported: b.count, dropped: {}, undelivered: [] };
    };
    await until(() => spool.acked.length === 1, 'replay after two failures');
    expect(exporter.calls.map((b) => b.id)).toEqual(['a', 'a', 'a']);
    expect(sink.stats()).toMatchObject({ exported: 3, spooled: 0 });
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('quarantines a batch the backend refused for good, counted by reason', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('bad', 4)]);
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    exporter.respond = (b) => ({ exported: 0, dropped: { rejected: b.count }, undelivered: [] });
    await until(() => spool.quarantined.length === 1, 'quarantine');
    expect(sink.stats()).toMatchObject({ spooled: 0, dropped: { rejected: 4 } });
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('on a partial outcome keeps the undelivered part on disk and acks the original', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('mixed', 4)]);
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    const part = oldBatch('rest', 2);
    let first = true;
    exporter.respond = (b) => {
      if (first) {
        first = false;
        return { exported: 2, dropped: {}, undelivered: [part] };
      }
      return { exported: b.count, dropped: {}, undelivered: [] };
    };
    await until(() => spool.acked.includes('rest'), 'the re-spooled part replayed');
    expect(spool.acked).toEqual(['mixed', 'rest']);
    expect(sink.stats()).toMatchObject({ exported: 4, spooled: 0 });
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('interleaves replay with live batches so fresh logs are not starved', async () => {
    const counters = new Counters();
    const old = Array.from({ length: 6 }, (_, i) => oldBatch(`old${i}`, 2));
    const spool = new FakeSpool(counters, old);
    const { sink, exporter } = setup({ counters, spool, batchRecords: 2, concurrency: 1, extra: fast });
    for (let i = 0; i < 6; i++) sink.write(rec(`live${i}`));
    await sink.flush();
    const order = exporter.calls.map((b) => (b.id.startsWith('old') ? 'old' : 'live'));
    // Live and replay take turns while both wait.
    expect(order.slice(0, 6)).toEqual(['live', 'old', 'live', 'old', 'live', 'old']);
    await until(() => spool.pending.batches === 0, 'backlog replayed');
    expect(sink.stats()).toMatchObject({ exported: 18, spooled: 0, queued: 0 });
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('spools batches the exporter could not deliver, and replays them when healthy again', async () => {
    const spool = new FakeSpool();
    const { sink, exporter } = setup({ spool, batchRecords: 5, extra: fast });
    exporter.respond = down;
    exporter.healthy = false;
    for (let i = 0; i < 10; i++) sink.write(rec(i));
    await sink.flush();
    expect(sink.stats()).toMatchObject({ spooled: 10, queued: 0, exported: 0 });
    expect(sink.stats().dropped.total).toBe(0);
    expectInvariant(sink.stats());
    exporter.respond = (b) => ({ exported: b.count, dropped: {}, undelivered: [] });
    exporter.healthy = true;
    await until(() => sink.stats().exported === 10, 'replay');
    expectInvariant(sink.stats());
    await sink.shutdown();
  });
});
