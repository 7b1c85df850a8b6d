import { describe, expect, it } from 'vitest';
import { Replayer } from '../../src/batch/index.js';
import { silentDiag } from '../../src/diag.js';
import { SpoolUnavailableError } from '../../src/errors.js';
import type { Batch } from '../../src/export/index.js';
import { encodeRequest } from '../../src/otlp/index.js';
import { Counters } from '../../src/stats.js';
import { until } from '../helpers/wait.js';
import { deferred, down, expectInvariant, FakeExporter, FakeSpool, rec } from './fakes.js';
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

describe('replay never leaves a batch stuck', () => {
  it('an ack that rejects is retried after a pause: the batch leaves the disk, counted once', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('a', 3), oldBatch('b', 2)]);
    const ack = spool.ack.bind(spool);
    let refusals = 1;
    spool.ack = async (id) => {
      if (refusals-- > 0) throw new Error('cursor write refused');
      return ack(id);
    };
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    await until(() => spool.acked.length === 2, 'both batches acked');
    expect(spool.acked).toEqual(['a', 'b']);
    expect(exporter.calls.map((b) => b.id)).toEqual(['a', 'b']); // not replayed (and counted) twice
    const s = sink.stats();
    expect(s).toMatchObject({ recovered: 5, exported: 5, spooled: 0 });
    expectInvariant(s);
    await sink.shutdown();
  });

  it('a quarantine that rejects is retried: the refused batch is settled, counted once', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('a', 3)]);
    const quarantine = spool.quarantine.bind(spool);
    let refusals = 2;
    spool.quarantine = async (id) => {
      if (refusals-- > 0) throw new Error('disk refused');
      return quarantine(id);
    };
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    exporter.respond = (b) => ({ exported: 0, dropped: { rejected: b.count }, undelivered: [] });
    await until(() => spool.quarantined.length === 1, 'quarantined after two refusals');
    expect(exporter.calls.map((b) => b.id)).toEqual(['a']);
    const s = sink.stats();
    expect(s).toMatchObject({ spooled: 0 });
    expect(s.dropped.rejected).toBe(3);
    expectInvariant(s);
    await sink.shutdown();
  });

  it('an export that throws releases the lease: the batch is replayed after a pause', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('a', 3)]);
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    let throws = 1;
    exporter.respond = (b) => {
      if (throws-- > 0) throw new Error('exporter bug');
      return { exported: b.count, dropped: {}, undelivered: [] };
    };
    await until(() => spool.acked.length === 1, 'replayed after the failure');
    expect(exporter.calls.map((b) => b.id)).toEqual(['a', 'a']);
    expect(sink.stats()).toMatchObject({ exported: 3, spooled: 0 });
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('a spool that cannot tell (next() rejects SpoolUnavailableError) is asked again, not taken as empty', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('a', 3)]);
    const next = spool.next.bind(spool);
    let unavailable = 1;
    spool.next = async () => {
      if (unavailable-- > 0) throw new SpoolUnavailableError('read refused: EIO', 5);
      return next();
    };
    const { sink, exporter } = setup({ counters, spool, extra: fast });
    // No append happens: only a retry of next() can find the batch.
    await until(() => spool.acked.length === 1, 'replayed after the disk answered again');
    expect(exporter.calls.map((b) => b.id)).toEqual(['a']);
    expect(sink.stats()).toMatchObject({ recovered: 3, exported: 3, spooled: 0 });
    expectInvariant(sink.stats());
    await sink.shutdown();
  });
});

describe('replayer: a spool that cannot tell pauses replay (no spin, no "empty")', () => {
  it('after SpoolUnavailableError it waits retryMs, then asks again and replays', async () => {
    const counters = new Counters();
    const spool = new FakeSpool(counters, [oldBatch('a', 3)]);
    const next = spool.next.bind(spool);
    let asked = 0;
    spool.next = async () => {
      if (asked++ === 0) throw new SpoolUnavailableError('directory cannot be opened', 0);
      return next();
    };
    const exporter = new FakeExporter();
    let t = 1_000_000;
    let ended = deferred<void>();
    const replayer = new Replayer({
      spool,
      exporter,
      counters,
      diag: silentDiag,
      retryMs: 1000,
      now: () => t,
      wake: () => ended.resolve(),
    });
    expect(replayer.ready()).toBe(true);
    replayer.start();
    await ended.promise;
    expect(asked).toBe(1);
    expect(replayer.ready()).toBe(false); // paused, not spinning on the disk
    t += 999;
    expect(replayer.ready()).toBe(false);
    t += 1;
    expect(replayer.ready()).toBe(true); // and not "empty": it asks again
    ended = deferred<void>();
    replayer.start();
    await ended.promise;
    expect(spool.acked).toEqual(['a']);
    expect(counters).toMatchObject({ exported: 3, spooled: 0 });
    await replayer.stop();
  });
});
