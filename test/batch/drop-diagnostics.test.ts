/**
 * Every drop in the batch stage writes a diagnostic line naming its reason and what to do,
 * rate-limited per reason: a loss is never only a number in `stats()`.
 */
import { describe, expect, it } from 'vitest';
import { createDiag } from '../../src/diag.js';
import { down, expectInvariant, FakeSpool, hangUntilAborted, rec } from './fakes.js';
import { type Setup, setup } from './harness.js';

function withLines(o: Setup = {}) {
  const lines: string[] = [];
  const diag = createDiag({ sink: (line) => lines.push(line), intervalMs: 60_000 });
  return { ...setup({ ...o, extra: { ...o.extra, diag } }), lines };
}

const about = (lines: string[], reason: string) => lines.filter((l) => l.includes(`(${reason})`));

describe('a diagnostic line for every drop', () => {
  it('queue_full: one line per interval, with the count and what to change', async () => {
    const { sink, lines } = withLines({ maxRecords: 2, overflow: 'drop-newest' });
    for (let i = 0; i < 5; i++) sink.write(rec(i));
    expect(sink.stats().dropped.queue_full).toBe(3);
    const found = about(lines, 'queue_full');
    expect(found).toHaveLength(1); // rate-limited per reason
    expect(found[0]).toMatch(/dropped 1 record\(s\) \(queue_full\), 1 so far: .*queue\.maxRecords/);
    await sink.shutdown();
  });

  it('too_large', async () => {
    const { sink, lines } = withLines({ maxBytes: 2048 });
    sink.write(rec('huge', 4096));
    expect(about(lines, 'too_large')[0]).toContain('queue.maxBytes');
    await sink.shutdown();
  });

  it('after_shutdown', async () => {
    const { sink, lines } = withLines();
    await sink.shutdown();
    sink.write(rec('late'));
    expect(sink.stats().dropped.after_shutdown).toBe(1);
    expect(about(lines, 'after_shutdown')).toHaveLength(1);
  });

  it('retries_exhausted (no spool)', async () => {
    const { sink, exporter, lines } = withLines();
    exporter.respond = down;
    sink.write(rec(1));
    await sink.flush();
    expect(sink.stats().dropped.retries_exhausted).toBe(1);
    expect(about(lines, 'retries_exhausted')[0]).toContain('spool');
    await sink.shutdown();
  });

  it('shutdown (deadline passed, no spool)', async () => {
    const { sink, exporter, lines } = withLines({ extra: { abortGraceMs: 10 } });
    exporter.respond = hangUntilAborted;
    sink.write(rec(1));
    await sink.shutdown({ timeoutMs: 5 });
    expect(sink.stats().dropped.shutdown).toBe(1);
    expect(about(lines, 'shutdown')[0]).toContain('shutdownTimeoutMs');
    expectInvariant(sink.stats());
  });

  it('disk_error (the spool refused the batch)', async () => {
    const spool = new FakeSpool();
    spool.accept = false;
    const { sink, exporter, lines } = withLines({ spool, extra: { replayRetryMs: 5 } });
    exporter.respond = down;
    sink.write(rec(1));
    await sink.flush();
    expect(sink.stats().dropped.disk_error).toBe(1);
    expect(about(lines, 'disk_error')).toHaveLength(1);
    await sink.shutdown();
  });
});
