/**
 * Caps and disk faults: an outage larger than `maxBytes` evicts the oldest segments with exact
 * counts; `maxAgeMs` expires old ones; ENOSPC/EACCES through the injectable fs layer.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpoolFs } from '../../src/spool/index.js';
import { batchNumber, harness, isIntact, makeBatch, tempDir } from './helpers.js';

/** What the spool's segment files take on disk (the part `maxBytes` caps). */
function bytesOnDisk(dir: string): number {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .reduce((s, f) => s + fs.statSync(join(dir, f)).size, 0);
}

describe('spool caps', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  // 8 KiB segments: the oldest closed segments go first. 1 MiB segments (bigger than maxBytes):
  // the only segment is the active one, so making room evicts it and the frame needs a new
  // segment, header included.
  for (const segmentBytes of [8 * 1024, 1024 * 1024]) {
    it(`an outage larger than maxBytes evicts the oldest segments; counts are exact; newest survive (segmentBytes ${segmentBytes})`, async () => {
      const maxBytes = 64 * 1024;
      const h = harness(t.dir, { spool: { maxBytes, segmentBytes } });
      const n = 400;
      let most = 0;
      for (let i = 0; i < n; i++) {
        expect(await h.spoolIt(makeBatch(i, 500 + (i % 13)))).toBe(true);
        most = Math.max(most, bytesOnDisk(t.dir));
      }
      // The cap holds after every append, segment headers included.
      expect(most).toBeLessThanOrEqual(maxBytes);
      expect(most).toBeGreaterThan(maxBytes - 2 * 1024);
      const out = await h.drain();
      const survivors = out.map(batchNumber);
      // The survivors are exactly the newest batches, in order, and the rest are counted spool_full.
      const firstKept = n - survivors.length;
      expect(survivors).toEqual(Array.from({ length: survivors.length }, (_, i) => firstKept + i));
      expect(out.every(isIntact)).toBe(true);
      let evicted = 0;
      for (let i = 0; i < firstKept; i++) evicted += makeBatch(i).count;
      expect(h.counters.dropped.spool_full).toBe(evicted);
      expect(firstKept).toBeGreaterThan(0);
      h.invariant();
      await h.spool.close();
    });
  }

  it('a leased batch whose segment is evicted is counted once: exported if acked, dropped if released', async () => {
    const h = harness(t.dir, { spool: { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 } });
    for (let i = 0; i < 20; i++) await h.spoolIt(makeBatch(i, 500));
    const a = (await h.spool.next())!;
    const b = (await h.spool.next())!;
    for (let i = 20; i < 400; i++) await h.spoolIt(makeBatch(i, 500));
    await h.spool.ack(a.id);
    h.counters.delivered(a.count, 'spooled');
    const before = h.counters.dropped.spool_full;
    h.spool.release(b.id);
    expect(h.counters.dropped.spool_full).toBe(before + b.count);
    await h.drain();
    h.invariant();
    await h.spool.close();
  });

  it('a segment an earlier process left, evicted before recovery read it, is counted spool_full and deleted', async () => {
    const opts = { spool: { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 } };
    const first = harness(t.dir, opts);
    let left = 0;
    for (let i = 0; i < 90; i++) {
      expect(await first.spoolIt(makeBatch(i, 500))).toBe(true);
      left += makeBatch(i).count;
    }
    await first.spool.close();
    const segs = () => fs.readdirSync(t.dir).filter((f) => f.endsWith('.seg'));
    const before = segs();
    expect(before.length).toBeGreaterThan(4);
    const h = harness(t.dir, opts);
    // Recovery reads one segment per turn of the event loop: this append, made right after the
    // open, needs room before recovery has read any segment, so the oldest ones are evicted unread.
    const big = makeBatch(1000, 24 * 1024);
    const appended = h.spoolIt(big);
    await h.spool.whenRecovered();
    expect(await appended).toBe(true);
    const evicted = before.filter((f) => !segs().includes(f));
    expect(evicted.length).toBeGreaterThan(0);
    expect(bytesOnDisk(t.dir)).toBeLessThanOrEqual(64 * 1024);
    // Every record the first process left is recovered, then the evicted ones are dropped.
    expect(h.counters.recovered).toBe(left);
    const out = await h.drain();
    let replayed = 0;
    for (const b of out) if (b.id !== big.id) replayed += b.count;
    expect(h.counters.dropped.spool_full).toBe(left - replayed);
    expect(h.counters.dropped.spool_full).toBeGreaterThan(0);
    expect(out.map((b) => b.id)).toContain(big.id);
    h.invariant();
    await h.spool.close();
  });

  it('an evicted, still unread segment of an earlier process that vanishes is reported, not lost silently', async () => {
    const opts = { spool: { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 } };
    const first = harness(t.dir, opts);
    for (let i = 0; i < 90; i++) expect(await first.spoolIt(makeBatch(i, 500))).toBe(true);
    await first.spool.close();
    const oldest = fs
      .readdirSync(t.dir)
      .filter((f) => f.endsWith('.seg'))
      .sort()[0];
    const h = harness(t.dir, opts);
    // The append evicts the oldest segments before recovery has read them (see the test above);
    // the oldest file then disappears before recovery reaches it.
    const appended = h.spoolIt(makeBatch(1000, 24 * 1024));
    fs.rmSync(join(t.dir, oldest));
    await h.spool.whenRecovered();
    expect(await appended).toBe(true);
    expect(h.counters.dropped.corrupt).toBe(1);
    expect(h.counters.lossUnknown.corrupt).toBe(1);
    expect(h.lines.some((l) => l.includes(oldest) && l.includes('vanished before it was read'))).toBe(true);
    await h.drain();
    h.invariant();
    await h.spool.close();
  });

  it('batches older than maxAgeMs expire and are counted', async () => {
    let now = 1_000_000;
    const h = harness(t.dir, { spool: { maxAgeMs: 60_000, segmentAgeMs: 10_000 }, now: () => now });
    for (let i = 0; i < 10; i++) await h.spoolIt(makeBatch(i));
    now += 30_000;
    for (let i = 10; i < 15; i++) await h.spoolIt(makeBatch(i));
    now += 40_000; // the first ten are 70 s old, the last five 40 s
    const out = await h.drain();
    expect(out.map(batchNumber)).toEqual([10, 11, 12, 13, 14]);
    let expired = 0;
    for (let i = 0; i < 10; i++) expired += makeBatch(i).count;
    expect(h.counters.dropped.expired).toBe(expired);
    h.invariant();
    await h.spool.close();
  });

  it('quarantine moves a refused batch aside, bounded, and it never comes back', async () => {
    const h = harness(t.dir, { spool: { quarantineMaxBytes: 3000 } });
    for (let i = 0; i < 10; i++) await h.spoolIt(makeBatch(i, 600));
    for (let i = 0; i < 10; i++) {
      const b = (await h.spool.next())!;
      await h.spool.quarantine(b.id, 'HTTP 400');
      h.counters.drop('rejected', b.count, 'spooled');
    }
    expect(await h.spool.next()).toBeUndefined();
    const qdir = join(t.dir, 'quarantine');
    const size = fs.readdirSync(qdir).reduce((s, f) => s + fs.statSync(join(qdir, f)).size, 0);
    expect(size).toBeLessThanOrEqual(3000);
    expect(fs.readdirSync(qdir).filter((f) => f.endsWith('.seg')).length).toBeGreaterThan(0);
    h.invariant();
    await h.spool.close();
    const h2 = harness(t.dir);
    expect(await h2.drain()).toEqual([]);
    await h2.spool.close();
  });
});

/** A file system whose chosen calls fail with `code` while `failing` is true. */
function faultyFs(code: string, calls: (keyof SpoolFs)[]) {
  const state = { failing: false, failures: 0 };
  const wrapped: Record<string, unknown> = { ...fs };
  for (const name of calls) {
    const real = (fs as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    wrapped[name] = (...args: unknown[]) => {
      if (state.failing) {
        state.failures++;
        throw Object.assign(new Error(`${code}: injected`), { code });
      }
      return real(...args);
    };
  }
  return { fs: wrapped as unknown as SpoolFs, state };
}

describe('spool disk faults (injectable fs)', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  for (const code of ['ENOSPC', 'EIO', 'EROFS']) {
    it(`${code} mid-run: append refuses, warns once, retries later, earlier data intact`, async () => {
      let now = 0;
      const f = faultyFs(code, ['writeSync']);
      const h = harness(t.dir, { fs: f.fs, now: () => now, retryMs: 1000 });
      for (let i = 0; i < 5; i++) expect(await h.spoolIt(makeBatch(i))).toBe(true);
      f.state.failing = true;
      for (let i = 5; i < 10; i++) expect(await h.spoolIt(makeBatch(i))).toBe(false);
      expect(f.state.failures).toBe(1); // later appends inside the retry window do not touch the disk
      expect(h.lines.filter((l) => l.includes(code))).toHaveLength(1);
      f.state.failing = false;
      expect(await h.spoolIt(makeBatch(10))).toBe(false); // still inside the retry window
      now += 1001;
      expect(await h.spoolIt(makeBatch(11))).toBe(true);
      expect((await h.drain()).map(batchNumber)).toEqual([0, 1, 2, 3, 4, 11]);
      let lost = 0;
      for (let i = 5; i <= 10; i++) lost += makeBatch(i).count;
      expect(h.counters.dropped.disk_error).toBe(lost);
      h.invariant();
      await h.spool.close();
    });
  }

  it('EACCES at start: open does not throw, append refuses, and works once the disk allows it', async () => {
    let now = 0;
    const f = faultyFs('EACCES', ['mkdirSync']);
    f.state.failing = true;
    const h = harness(join(t.dir, 'sub'), { fs: f.fs, now: () => now, retryMs: 500 });
    expect(await h.spoolIt(makeBatch(1))).toBe(false);
    expect(h.lines.some((l) => l.includes('EACCES'))).toBe(true);
    // Not "empty": the spool cannot tell while the directory cannot be opened.
    await expect(h.spool.next()).rejects.toMatchObject({ code: 'PODLOG_SPOOL_UNAVAILABLE' });
    f.state.failing = false;
    now += 501;
    expect(await h.spoolIt(makeBatch(2))).toBe(true);
    expect((await h.drain()).map(batchNumber)).toEqual([2]);
    h.invariant();
    await h.spool.close();
  });

  it('a failed write leaves no partial frame behind (ENOSPC after a short write)', async () => {
    let now = Date.now();
    let shortWrite = false;
    const wrapped = {
      ...fs,
      writeSync: (fd: number, buf: Uint8Array, off?: number, len?: number, pos?: number) => {
        if (shortWrite) {
          shortWrite = false;
          fs.writeSync(fd, buf, off, Math.floor((len ?? 0) / 2), pos);
          throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
        }
        return fs.writeSync(fd, buf, off, len, pos);
      },
    } as unknown as SpoolFs;
    const h = harness(t.dir, { fs: wrapped, now: () => now, retryMs: 10 });
    await h.spoolIt(makeBatch(1));
    shortWrite = true;
    expect(await h.spoolIt(makeBatch(2))).toBe(false);
    now += 11;
    await h.spoolIt(makeBatch(3));
    await h.spool.close();
    const h2 = harness(t.dir);
    const out = await h2.drain();
    expect(out.map(batchNumber)).toEqual([1, 3]);
    expect(h2.counters.dropped.corrupt).toBe(0);
    expect(h2.counters.dropped.expired).toBe(0);
    await h2.spool.close();
  });
});
