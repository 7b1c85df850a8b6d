/**
 * A spool directory removed while the process runs (`rm -rf`) is created again, with its modes,
 * and the spool goes on in it; what was in it is counted lost (issue #15). Real files.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.js';
import { batchNumber, harness, isIntact, makeBatch, tempDir } from './helpers.js';

describe('a removed spool directory', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('is created again on the next append: later batches are spooled, not disk_error', async () => {
    const dir = join(t.dir, 'spool');
    const h = harness(dir, { spool: { segmentBytes: 4096 } });
    for (let i = 0; i < 30; i++) expect(await h.spoolIt(makeBatch(i, 200))).toBe(true);
    await h.spool.whenRecovered();
    const lost = Array.from({ length: 30 }, (_, i) => makeBatch(i).count).reduce((a, b) => a + b);
    rmSync(dir, { recursive: true, force: true });
    // Enough to rotate: a new segment file must be created in the directory that is gone.
    for (let i = 30; i < 90; i++) expect(await h.spoolIt(makeBatch(i, 200)), `batch ${i}`).toBe(true);
    expect(existsSync(dir)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(h.counters.dropped.disk_error).toBe(0);
    // What was in the removed directory is counted lost, exactly.
    expect(h.counters.dropped.corrupt).toBe(lost);
    expect(h.lines.some((l) => l.includes('was removed') && l.includes(`${lost} records`))).toBe(true);
    h.invariant();
    await h.spool.close();
    // A new process finds every batch written after the removal, intact.
    const h2 = harness(dir);
    const out = await h2.drain();
    expect(out.map(batchNumber)).toEqual(Array.from({ length: 60 }, (_, i) => 30 + i));
    expect(out.every(isIntact)).toBe(true);
    h2.invariant();
    await h2.spool.close();
  });

  it('is noticed by the timers too: created again without a write, the lock back in it', async () => {
    const dir = join(t.dir, 'spool');
    const h = harness(dir, { spool: { syncIntervalMs: 20 } });
    await h.spoolIt(makeBatch(0));
    await h.spool.whenRecovered();
    rmSync(dir, { recursive: true, force: true });
    await until(() => existsSync(join(dir, 'lock')), 'the lock file');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(h.counters.dropped.corrupt).toBe(makeBatch(0).count);
    expect(await h.spoolIt(makeBatch(1))).toBe(true);
    const out = await h.drain();
    expect(out.map(batchNumber)).toEqual([1]);
    h.invariant();
    await h.spool.close();
  });
});
