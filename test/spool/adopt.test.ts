/**
 * Adoption of a dead sibling's data. It is per spool: two spools in one process (e.g. two
 * loggers with their own spool directories) each adopt their own dead siblings, even when their
 * passes overlap. Unreadable data is quarantined, not deleted; a pass that stops part-way (a
 * refused write, or a crash) leaves progress behind, so nothing is copied or counted twice.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpoolFs } from '../../src/spool/index.js';
import {
  CHECKPOINT_FRAMES,
  readCursor,
  SEGMENT_HEADER_BYTES,
  scanSegmentBytes,
  segmentHeader,
} from '../../src/spool/index.js';
import { batchNumber, harness, makeBatch, segmentWriteFs, tempDir } from './helpers.js';

const ADOPTER = fileURLToPath(new URL('./fixtures/adopter.ts', import.meta.url));

/** Leaves `n` batches (from `first`) in a `proc-*` sub-directory of `root` whose writer is gone. */
async function leaveSiblingData(root: string, first: number, n: number): Promise<string> {
  const owner = harness(root);
  const sibling = harness(root, { spool: { segmentBytes: 4096 } });
  expect(sibling.spool.dir).not.toBe(root);
  for (let i = first; i < first + n; i++) expect(await sibling.spoolIt(makeBatch(i, 500))).toBe(true);
  await sibling.spool.close();
  await owner.spool.close();
  return sibling.spool.dir!;
}

describe('spool adoption', () => {
  let a: ReturnType<typeof tempDir>;
  let b: ReturnType<typeof tempDir>;
  beforeEach(() => {
    a = tempDir();
    b = tempDir();
  });
  afterEach(() => {
    a.cleanup();
    b.cleanup();
  });

  it("two spools in one process both adopt their own dead siblings' data at start", async () => {
    const subA = await leaveSiblingData(a.dir, 0, 30);
    const subB = await leaveSiblingData(b.dir, 1000, 30);
    const ha = harness(a.dir);
    const hb = harness(b.dir);
    expect([ha.spool.dir, hb.spool.dir]).toEqual([a.dir, b.dir]);
    await Promise.all([ha.spool.whenRecovered(), hb.spool.whenRecovered()]);
    expect(existsSync(subA)).toBe(false);
    expect(existsSync(subB)).toBe(false);
    const range = (from: number) => Array.from({ length: 30 }, (_, i) => from + i);
    expect((await ha.drain()).map(batchNumber)).toEqual(range(0));
    expect((await hb.drain()).map(batchNumber)).toEqual(range(1000));
    ha.invariant();
    hb.invariant();
    await ha.spool.close();
    await hb.spool.close();
  });
});

describe('spool adoption: bad data and failures part-way', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  /** Leaves `n` batches of 500 bytes in one segment of a dead `proc-*` sibling of `t.dir`. */
  async function leaveOneSegment(n: number): Promise<string> {
    const owner = harness(t.dir);
    const sibling = harness(t.dir, { spool: { segmentBytes: 1 << 20 } });
    for (let i = 0; i < n; i++) expect(await sibling.spoolIt(makeBatch(i, 500))).toBe(true);
    await sibling.spool.close();
    await owner.spool.close();
    expect(segmentsIn(sibling.spool.dir!)).toHaveLength(1);
    return sibling.spool.dir!;
  }

  it('a segment with a foreign header is quarantined whole (not deleted) and counted once', async () => {
    const sub = await leaveSiblingData(t.dir, 0, 30);
    const segs = segmentsIn(sub);
    expect(segs.length).toBeGreaterThan(2);
    const bad = join(sub, segs[1]);
    const bytes = readFileSync(bad);
    bytes.write('NOTASPOOL', 0, 'latin1');
    writeFileSync(bad, bytes);
    expect(scanSegmentBytes(bytes).header).toBe('bad');
    // Its frames are intact behind the broken header: what it held is known exactly.
    const held = scanSegmentBytes(
      Buffer.concat([segmentHeader(), bytes.subarray(SEGMENT_HEADER_BYTES)]),
    ).frames;
    const records = held.reduce((n, f) => n + f.count, 0);
    expect(records).toBeGreaterThan(1);

    const h = harness(t.dir);
    await h.spool.whenRecovered();
    expect(existsSync(sub)).toBe(false);
    const kept = join(t.dir, 'quarantine', `foreign-${basename(sub)}-${segs[1]}`);
    expect(readFileSync(kept).equals(bytes)).toBe(true);
    expect(h.counters.dropped.corrupt).toBe(records);
    expect(h.counters.lossUnknown.corrupt).toBe(0);
    const out = (await h.drain()).map(batchNumber);
    // The other segments' batches, each once, in order.
    expect(out.length).toBeGreaterThan(0);
    expect(new Set(out).size).toBe(out.length);
    expect(out).toEqual([...out].sort((a, b) => a - b));
    h.invariant();
    await h.spool.close();
  });

  it('a write refused part-way: the retry continues where it stopped (no duplicate, no double count)', async () => {
    const sub = await leaveOneSegment(30);
    let failFrom = 12; // the header and 10 frames go through
    const faulty = segmentWriteFs((n) => {
      if (n >= failFrom) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
    });
    let now = 0;
    const h = harness(t.dir, { fs: faulty, now: () => now, retryMs: 100 });
    await h.spool.whenRecovered();
    const first10 = Array.from({ length: 10 }, (_, i) => makeBatch(i).count).reduce((a, b) => a + b);
    expect(h.counters.recovered).toBe(first10);
    expect(existsSync(sub)).toBe(true);
    // The source's cursor settles the 10 copied frames (durable progress).
    expect(readCursor(fs as unknown as SpoolFs, sub).cursor.acked).toHaveLength(10);

    failFrom = Number.POSITIVE_INFINITY;
    now += 100;
    await h.spool.adoptStale();
    expect(existsSync(sub)).toBe(false);
    const all = Array.from({ length: 30 }, (_, i) => i);
    expect(h.counters.recovered).toBe(all.reduce((s, i) => s + makeBatch(i).count, 0));
    expect((await h.drain()).map(batchNumber)).toEqual(all);
    h.invariant();
    await h.spool.close();
  });

  it('killed while adopting: the next process adopts the rest once (no duplicates)', async () => {
    const sub = await leaveOneSegment(200);
    // Killed at its 100th segment write: the header and 98 frames copied, 64 checkpointed.
    const child = spawn(process.execPath, ['--import', 'tsx', ADOPTER, t.dir, '100'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const signal = await new Promise((r) => child.on('exit', (_code, sig) => r(sig)));
    expect(signal, out).toBe('SIGKILL');
    expect(out).not.toContain('DONE');
    expect(existsSync(sub)).toBe(true);
    expect(segmentsIn(t.dir).length).toBeGreaterThan(0);
    // The first checkpoint reached the source's cursor before the kill.
    expect(readCursor(fs as unknown as SpoolFs, sub).cursor.acked).toHaveLength(CHECKPOINT_FRAMES);

    const h = harness(t.dir);
    await h.spool.whenRecovered();
    expect(existsSync(sub)).toBe(false);
    const replayed = (await h.drain()).map(batchNumber);
    expect(replayed.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(h.counters.dropped.corrupt).toBe(0);
    h.invariant();
    await h.spool.close();
  }, 20_000);
});

function segmentsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort();
}
