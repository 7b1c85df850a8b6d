/**
 * podlog's own "records were dropped" record: written only while delivery works, and never
 * about the loss of an earlier summary (a summary must not cause another one).
 */
import { describe, expect, it } from 'vitest';
import type { Batch, ExportOutcome } from '../../src/export/index.js';
import { bodies, down, expectInvariant, ok, rec } from './fakes.js';
import { setup } from './harness.js';

const summariesIn = (calls: Batch[]) =>
  calls.flatMap((b) => bodies(b.body)).filter((body) => body.startsWith('podlog dropped'));

describe('drop summary', () => {
  it('a summary refused by the backend is counted but never reported by another summary', async () => {
    const { sink, exporter } = setup({ extra: { dropSummaryIntervalMs: 0 } });
    // The backend is up but refuses everything (HTTP 400): each refusal is a drop.
    exporter.respond = (b): ExportOutcome => ({
      exported: 0,
      dropped: { rejected: b.count },
      undelivered: [],
    });
    for (let i = 0; i < 5; i++) sink.write(rec(i));
    for (let i = 0; i < 5; i++) await sink.flush();
    expect(summariesIn(exporter.calls)).toEqual(['podlog dropped 5 records (rejected: 5)']);
    const s = sink.stats();
    // The summary itself was refused too: counted (accepted and rejected), not summarized.
    expect(s).toMatchObject({ accepted: 6, queued: 0 });
    expect(s.dropped).toMatchObject({ rejected: 6, total: 6 });
    expectInvariant(s);
    await sink.shutdown();
    expect(summariesIn(exporter.calls)).toHaveLength(1);
  });

  it('also when the summary alone fills a batch (batch.maxRecords 1): its loss is still not summarized', async () => {
    const { sink, exporter } = setup({ batchRecords: 1, extra: { dropSummaryIntervalMs: 0 } });
    exporter.respond = (b): ExportOutcome => ({
      exported: 0,
      dropped: { rejected: b.count },
      undelivered: [],
    });
    for (let i = 0; i < 5; i++) sink.write(rec(i));
    for (let i = 0; i < 10; i++) await sink.flush();
    const summaries = summariesIn(exporter.calls);
    // Each batch is one record, so summaries come one by one; together they report exactly the
    // user's 5 records, never a summary's own loss.
    const reported = summaries.map((b) => Number(/dropped (\d+) records/.exec(b)?.[1]));
    expect(reported.reduce((a, b) => a + b, 0)).toBe(5);
    expect(sink.stats().dropped.rejected).toBe(5 + summaries.length);
    expectInvariant(sink.stats());
    await sink.shutdown();
  });

  it('writes no summary while the backend is down, and one once an export delivers again', async () => {
    const { sink, exporter } = setup({
      maxRecords: 10,
      overflow: 'drop-newest',
      extra: { dropSummaryIntervalMs: 0 },
    });
    exporter.respond = down;
    for (let i = 0; i < 15; i++) sink.write(rec(i));
    for (let i = 0; i < 3; i++) await sink.flush();
    expect(sink.stats().dropped).toMatchObject({ queue_full: 5, retries_exhausted: 10 });
    expect(summariesIn(exporter.calls)).toEqual([]);
    expect(sink.stats().accepted).toBe(15);

    exporter.respond = ok; // the backend is back
    sink.write(rec('after the outage'));
    await sink.flush(); // delivered: now a summary is due
    await sink.flush(); // and delivered
    expect(summariesIn(exporter.calls)).toEqual([
      'podlog dropped 15 records (queue_full: 5, retries_exhausted: 10)',
    ]);
    const s = sink.stats();
    expect(s).toMatchObject({ accepted: 17, exported: 2, queued: 0 });
    expectInvariant(s);
    await sink.shutdown();
  });
});
