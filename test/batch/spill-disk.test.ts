/**
 * The spill against the real disk spool: a batch on its way to disk when the process exits
 * (`exitSync`) is on disk once, and counted once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.js';
import { harness, tempDir } from '../spool/helpers.js';
import { expectInvariant, hangUntilAborted, rec } from './fakes.js';
import { setup } from './harness.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('exitSync with a spill in progress (real disk spool)', () => {
  for (const durability of ['always', 'interval', 'none'] as const) {
    it(`writes a batch whose async append already wrote it only once (durability: ${durability})`, async () => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const h = harness(dir, { spool: { durability } });
      cleanups.push(() => void h.spool.close());
      await h.spool.whenRecovered();
      const { sink, exporter } = setup({
        maxRecords: 20,
        batchRecords: 10,
        concurrency: 1,
        counters: h.counters,
        extra: { spool: h.spool },
      });
      exporter.respond = hangUntilAborted;
      // 10 in flight, 10 cut; the 21st record spills the cut batch (its async append starts).
      for (let i = 0; i < 30; i++) sink.write(rec(i));
      sink.exitSync();
      expect(sink.stats()).toMatchObject({ queued: 0, spooled: 30 });
      expectInvariant(sink.stats());
      // Whatever the in-progress append does later, the disk holds each batch once.
      await h.spool.close();
      expect(h.spool.pending).toMatchObject({ batches: 3, records: 30 });
      const reopened = harness(dir);
      cleanups.push(() => void reopened.spool.close());
      await reopened.spool.whenRecovered();
      const batches = await reopened.drain();
      expect(batches.map((b) => b.count)).toEqual([10, 10, 10]);
      expect(new Set(batches.map((b) => b.id)).size).toBe(3);
      expect(reopened.counters.recovered).toBe(30);
      await until(() => sink.stats().spooled === 30, 'the late append to leave the counters as they were');
      expectInvariant(sink.stats());
    });
  }
});
