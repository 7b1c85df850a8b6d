/**
 * `next()` tells "empty" (undefined) from "cannot tell now" (SpoolUnavailableError): a replayer
 * that took a disk failure for an empty spool left the data stuck until the next append.
 */
import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Replayer } from '../../src/batch/index.js';
import { SPOOL_UNAVAILABLE, SpoolUnavailableError } from '../../src/errors.js';
import type { Batch, Exporter, ExportOutcome } from '../../src/export/index.js';
import type { SpoolFs } from '../../src/spool/index.js';
import { isSpoolUnavailable } from '../../src/spool/index.js';
import { batchNumber, harness, makeBatch, tempDir } from './helpers.js';

/** node:fs whose async `open` of segment files fails with EIO while `state.failing`. */
function unreadableSegments() {
  const state = { failing: false, failures: 0 };
  const promises = {
    ...fs.promises,
    open: (async (path: fs.PathLike, ...rest: unknown[]) => {
      if (state.failing && String(path).endsWith('.seg')) {
        state.failures++;
        throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
      }
      return (fs.promises.open as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(path, ...rest);
    }) as typeof fs.promises.open,
  };
  return { fs: { ...fs, promises } as unknown as SpoolFs, state };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('spool next(): empty versus unavailable', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('rejects with SpoolUnavailableError while the directory cannot be opened; data comes back after', async () => {
    const first = harness(t.dir);
    for (let i = 0; i < 3; i++) expect(await first.spoolIt(makeBatch(i))).toBe(true);
    await first.spool.close();

    let refuse = true;
    const faulty = {
      ...fs,
      mkdirSync: ((...args: unknown[]) => {
        if (refuse) throw Object.assign(new Error('EACCES: injected'), { code: 'EACCES' });
        return (fs.mkdirSync as (...a: unknown[]) => unknown)(...args);
      }) as typeof fs.mkdirSync,
    } as unknown as SpoolFs;
    let now = 0;
    const h = harness(t.dir, { fs: faulty, now: () => now, retryMs: 100 });
    expect(h.spool.dir).toBeUndefined();
    const err = await rejection(h.spool.next());
    expect(err).toBeInstanceOf(SpoolUnavailableError);
    expect(isSpoolUnavailable(err)).toBe(true);
    expect((err as SpoolUnavailableError).code).toBe(SPOOL_UNAVAILABLE);
    expect((err as SpoolUnavailableError).retryAfterMs).toBe(100);

    refuse = false;
    now += 100;
    await h.spool.whenRecovered();
    expect((await h.drain()).map(batchNumber)).toEqual([0, 1, 2]);
    h.invariant();
    await h.spool.close();
  });

  it('a refused read releases the lease, moves no counter and rejects; the batch comes first again', async () => {
    const f = unreadableSegments();
    let now = 0;
    const h = harness(t.dir, { fs: f.fs, now: () => now, retryMs: 100 });
    for (let i = 0; i < 2; i++) expect(await h.spoolIt(makeBatch(i))).toBe(true);
    const before = { ...h.counters, pending: h.spool.pending };
    f.state.failing = true;
    expect(isSpoolUnavailable(await rejection(h.spool.next()))).toBe(true);
    expect(f.state.failures).toBe(1);
    expect({ ...h.counters, pending: h.spool.pending }).toEqual(before);
    h.invariant();

    f.state.failing = false;
    now += 100;
    expect((await h.drain()).map(batchNumber)).toEqual([0, 1]);
    h.invariant();
    await h.spool.close();
  });

  it('undefined means empty', async () => {
    const h = harness(t.dir);
    expect(await h.spool.next()).toBeUndefined();
    await h.spool.close();
  });

  it("the batch stage's replayer retries after a disk failure and delivers without a new append", async () => {
    const f = unreadableSegments();
    const h = harness(t.dir, { fs: f.fs, retryMs: 20 });
    for (let i = 0; i < 3; i++) expect(await h.spoolIt(makeBatch(i))).toBe(true);
    const delivered: number[] = [];
    const exporter: Exporter = {
      healthy: true,
      async export(b: Batch): Promise<ExportOutcome> {
        delivered.push(batchNumber(b));
        return { exported: b.count, dropped: {}, undelivered: [] };
      },
      async close() {},
    };
    f.state.failing = true;
    let allDone: () => void = () => {};
    const finished = new Promise<void>((r) => {
      allDone = r;
    });
    const replayer = new Replayer({
      spool: h.spool,
      exporter,
      counters: h.counters,
      diag: h.diag,
      retryMs: 20,
      wake: () => {
        if (f.state.failures >= 3) f.state.failing = false;
        if (delivered.length === 3) allDone();
        else if (replayer.ready()) replayer.start();
      },
    });
    replayer.start();
    await finished;
    expect(f.state.failures).toBeGreaterThanOrEqual(3);
    expect(delivered).toEqual([0, 1, 2]);
    expect(h.spool.pending.batches).toBe(0);
    h.invariant();
    await replayer.stop();
    await h.spool.close();
  }, 10_000);
});
