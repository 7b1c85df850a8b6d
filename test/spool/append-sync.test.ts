/**
 * `appendSync` at exit skips a batch its own `append` already wrote (no duplicate), but not one
 * written into a spool directory removed since: that one is reported lost and written again.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpoolFs } from '../../src/spool/index.js';
import { harness, makeBatch, tempDir } from './helpers.js';

describe('appendSync after an unresolved append', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('the directory removed in between: the batch is written again, not taken as held', async () => {
    const dir = join(t.dir, 'sp');
    const first = harness(dir, { spool: { durability: 'always' } });
    await first.spool.whenRecovered();
    const batch = makeBatch(1, 200);
    const pending = first.spool.append(batch);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(first.spool.appendSync(batch)).toBe(true);
    await pending;
    await first.spool.close();
    expect(first.counters.dropped.corrupt).toBe(batch.count);
    const next = harness(dir, { spool: { durability: 'always' } });
    await next.spool.whenRecovered();
    const out = await next.drain();
    expect(out.map((b) => b.id)).toEqual([batch.id]);
    expect(next.counters.recovered).toBe(batch.count);
    await next.spool.close();
  });

  it('the directory still there: the batch is on disk once, and synced before appendSync returns', async () => {
    const dir = join(t.dir, 'sp');
    let syncs = 0;
    const countingFs = {
      ...fs,
      fdatasyncSync: (fd: number) => {
        syncs++;
        fs.fdatasyncSync(fd);
      },
    } as unknown as SpoolFs;
    const first = harness(dir, { spool: { durability: 'always' }, fs: countingFs });
    await first.spool.whenRecovered();
    const batch = makeBatch(2, 200);
    const pending = first.spool.append(batch);
    const before = syncs;
    expect(first.spool.appendSync(batch)).toBe(true);
    expect(syncs - before).toBe(1);
    await pending;
    await first.spool.close();
    const next = harness(dir, { spool: { durability: 'always' } });
    await next.spool.whenRecovered();
    expect((await next.drain()).map((b) => b.id)).toEqual([batch.id]);
    await next.spool.close();
  });
});
