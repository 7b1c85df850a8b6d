/**
 * A spool directory removed while the process runs (`rm -rf`) is created again, with its modes,
 * and the spool goes on in it; what was in it is counted lost (issue #15). Real files.
 */
import * as fs from 'node:fs';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpoolFs } from '../../src/spool/index.js';
import { until } from '../helpers/wait.js';
import { batchNumber, harness, isIntact, makeBatch, tempDir } from './helpers.js';

const isCursorTmp = (path: fs.PathLike) => String(path).endsWith('cursor.tmp');

/**
 * node:fs whose cursor writes (open of the temp file .. rename) are watched: `writes` started,
 * `renamed` (done, or failed), `overlapped` when one started while another was in flight. With
 * `meet`, a rename waits (at most 2 s) until every write started has reached its rename, so two
 * writes in flight at once always collide on the one temp file. With `hold`, once `hold()` was
 * called, the next rename waits (`held`) until `release()`.
 */
function watchedCursorFs(mode: 'meet' | 'hold') {
  const state = { writes: 0, renaming: 0, renamed: 0, overlapped: false, holding: false, held: false };
  const waiting: (() => void)[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const promises = {
    ...fs.promises,
    open: (async (path: fs.PathLike, ...rest: unknown[]) => {
      if (isCursorTmp(path)) {
        if (state.writes > state.renamed) state.overlapped = true;
        state.writes++;
      }
      return (fs.promises.open as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(path, ...rest);
    }) as typeof fs.promises.open,
    rename: (async (from: fs.PathLike, to: fs.PathLike) => {
      if (!isCursorTmp(from)) return fs.promises.rename(from, to);
      state.renaming++;
      if (mode === 'hold') {
        if (state.holding) {
          state.holding = false;
          state.held = true;
          await gate;
        }
      } else if (state.renaming < state.writes) {
        await new Promise<void>((r) => {
          waiting.push(r);
          setTimeout(r, 2_000);
        });
      } else for (const wake of waiting.splice(0)) wake();
      try {
        return await fs.promises.rename(from, to);
      } finally {
        state.renamed++;
      }
    }) as typeof fs.promises.rename,
  };
  return {
    fs: { ...fs, promises } as unknown as SpoolFs,
    state,
    hold: () => {
      state.holding = true;
    },
    release: () => release(),
  };
}

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

  it('re-opened by a timer, it writes one cursor at a time: no refusal once it is back', async () => {
    // The timer's re-open marks the cursor dirty and flushes it while the recovery of the new
    // directory flushes it too: two writes of the one temp file at once, the second rename
    // failed (ENOENT) and the disk was left alone for retryMs, so the next batch was dropped.
    const dir = join(t.dir, 'spool');
    const w = watchedCursorFs('meet');
    const h = harness(dir, { spool: { syncIntervalMs: 20 }, fs: w.fs });
    expect(await h.spoolIt(makeBatch(0))).toBe(true);
    await h.spool.whenRecovered();
    const before = w.state.writes;
    rmSync(dir, { recursive: true, force: true });
    await until(() => existsSync(join(dir, 'lock')), 'the lock file');
    // The cursor writes of the re-open are over.
    await until(() => w.state.writes > before && w.state.renamed === w.state.writes, 'the cursor writes');
    expect(await h.spoolIt(makeBatch(1))).toBe(true);
    expect(h.lines.filter((l) => l.includes('cursor') && !l.includes('was removed'))).toEqual([]);
    expect(w.state.overlapped).toBe(false);
    expect(h.counters.dropped.disk_error).toBe(0);
    expect((await h.drain()).map(batchNumber)).toEqual([1]);
    h.invariant();
    await h.spool.close();
  });

  it('a cursor write into the removed directory that ends after the re-open is no refusal', async () => {
    const dir = join(t.dir, 'spool');
    const w = watchedCursorFs('hold');
    const h = harness(dir, { spool: { syncIntervalMs: 20 }, fs: w.fs });
    expect(await h.spoolIt(makeBatch(0))).toBe(true);
    await h.spool.whenRecovered();
    // The ack makes the cursor due; the timer's write of it stops before its rename.
    w.hold();
    expect((await h.drain()).map(batchNumber)).toEqual([0]);
    await until(() => w.state.held, 'the cursor write to stop at its rename');
    rmSync(dir, { recursive: true, force: true });
    await until(() => existsSync(join(dir, 'lock')), 'the lock file');
    // The rename of a temp file that went with the old directory fails (ENOENT) now.
    w.release();
    await until(() => w.state.renamed === w.state.writes, 'the cursor writes');
    expect(await h.spoolIt(makeBatch(1))).toBe(true);
    expect(h.counters.dropped.disk_error).toBe(0);
    expect((await h.drain()).map(batchNumber)).toEqual([1]);
    // The cursor is written into the new directory.
    await until(() => existsSync(join(dir, 'cursor')), 'the cursor in the new directory');
    h.invariant();
    await h.spool.close();
  });
});
