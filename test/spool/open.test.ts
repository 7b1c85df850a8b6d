/**
 * Opening is all or nothing: when the disk refuses half-way through (after the lock was taken),
 * the lock is released and nothing stays indexed, so the retry opens the same directory and
 * indexes each segment once.
 */
import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpoolFs } from '../../src/spool/index.js';
import { readLock } from '../../src/spool/index.js';
import { batchNumber, harness, isIntact, makeBatch, tempDir } from './helpers.js';

describe('spool open', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  for (const call of ['statSync', 'readdirSync'] as const) {
    it(`${call} failing after the lock was taken: lock released, retry indexes each segment once`, async () => {
      const first = harness(t.dir, { spool: { segmentBytes: 4096 } });
      for (let i = 0; i < 30; i++) expect(await first.spoolIt(makeBatch(i, 500))).toBe(true);
      await first.spool.close();
      const segs = fs.readdirSync(t.dir).filter((n) => n.endsWith('.seg'));
      expect(segs.length).toBeGreaterThan(2);

      // Fail the listing of the spool root, or the stat of its second segment, once.
      let failNext = true;
      let segStats = 0;
      const faulty = {
        ...fs,
        readdirSync: ((path: fs.PathLike, ...rest: unknown[]) => {
          if (
            call === 'readdirSync' &&
            failNext &&
            String(path) === t.dir &&
            fs.existsSync(`${t.dir}/lock`)
          ) {
            failNext = false;
            throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
          }
          return (fs.readdirSync as (...a: unknown[]) => unknown)(path, ...rest);
        }) as typeof fs.readdirSync,
        statSync: ((path: fs.PathLike, ...rest: unknown[]) => {
          if (call === 'statSync' && failNext && String(path).endsWith('.seg') && ++segStats === 2) {
            failNext = false;
            throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
          }
          return (fs.statSync as (...a: unknown[]) => unknown)(path, ...rest);
        }) as typeof fs.statSync,
      } as unknown as SpoolFs;
      let now = 0;
      const h = harness(t.dir, { fs: faulty, now: () => now, retryMs: 100 });
      expect(failNext).toBe(false);
      expect(h.spool.dir).toBeUndefined();
      expect(h.lines.some((l) => l.includes('EIO'))).toBe(true);
      // The half-open attempt did not keep the lock.
      expect(readLock(fs, t.dir)).toBe('missing');

      now += 101;
      expect(await h.spoolIt(makeBatch(100, 500))).toBe(true);
      expect(h.spool.dir).toBe(t.dir);
      await h.spool.whenRecovered();
      const out = await h.drain();
      expect(out.map(batchNumber)).toEqual([...Array.from({ length: 30 }, (_, i) => i), 100]);
      expect(out.every(isIntact)).toBe(true);
      expect(h.counters.dropped.corrupt).toBe(0);
      h.invariant();
      await h.spool.close();
    });
  }
});
