/**
 * Damage to segments other than the tail of the newest one is corruption, counted per record
 * (issue #15): truncated or emptied older segments, a flipped segment-header byte, a huge frame
 * length. The cursor's manifest makes the count exact; without one (a cursor of podlog 0.1)
 * the loss is flagged as of unknown size. Real files; a real child process killed with SIGKILL.
 */
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSpoolReport } from '../../src/cli/spool.js';
import {
  encodeCursor,
  inspectSpool,
  nodeSpoolFs,
  readCursor,
  SEGMENT_HEADER_BYTES,
  scanSegmentBytes,
} from '../../src/spool/index.js';
import { until } from '../helpers/wait.js';
import { startWriter } from './child.js';
import { batchNumber, harness, isIntact, makeBatch, tempDir } from './helpers.js';

const segments = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort();

/** Records of the batches numbered `from` that did not come out. */
function lostRecords(written: Iterable<number>, out: readonly number[]): number {
  const seen = new Set(out);
  let n = 0;
  for (const i of written) if (!seen.has(i)) n += makeBatch(i).count;
  return n;
}

/** Writes `n` batches over several segments and closes the spool cleanly (the cursor has a manifest). */
async function writeSpool(dir: string, n: number): Promise<void> {
  const h = harness(dir, { spool: { segmentBytes: 4096, maxBytes: 1 << 22 } });
  for (let i = 0; i < n; i++) await h.spoolIt(makeBatch(i, 40));
  await h.spool.close();
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('spool damage is counted per record', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('two older segments truncated to half: exactly their lost records are counted, once', async () => {
    await writeSpool(t.dir, 300);
    const segs = segments(t.dir);
    expect(segs.length).toBeGreaterThan(4);
    for (const name of [segs[1], segs[2]]) {
      const file = join(t.dir, name);
      truncateSync(file, Math.floor(statSync(file).size / 2));
    }
    const report = inspectSpool(t.dir);
    const h = harness(t.dir);
    const out = (await h.drain()).map(batchNumber);
    const lost = lostRecords(range(300), out);
    expect(lost).toBeGreaterThan(20);
    expect(h.counters.dropped.corrupt).toBe(lost);
    expect(h.counters.lossUnknown.corrupt).toBe(0);
    expect(h.lines.some((l) => l.includes('a cut end') && l.includes('records lost'))).toBe(true);
    // `podlog spool inspect` saw the same loss before recovery touched anything.
    expect(report.totals.lostRecords).toBe(lost);
    expect(report.totals.lossUnknown).toBe(0);
    const text = formatSpoolReport(report);
    expect(text).toContain(`${lost} records lost to damage`);
    expect(text).toContain('damaged: a cut end');
    h.invariant();
    await h.spool.close();
    // The next process does not count it again.
    const h2 = harness(t.dir);
    await h2.spool.whenRecovered();
    expect(h2.counters.dropped.corrupt).toBe(0);
    await h2.spool.close();
  });

  it('an older segment emptied to zero bytes: its records are counted', async () => {
    await writeSpool(t.dir, 200);
    const segs = segments(t.dir);
    truncateSync(join(t.dir, segs[1]), 0);
    const h = harness(t.dir);
    const out = (await h.drain()).map(batchNumber);
    const lost = lostRecords(range(200), out);
    expect(lost).toBeGreaterThan(10);
    expect(h.counters.dropped.corrupt).toBe(lost);
    expect(h.counters.lossUnknown.corrupt).toBe(0);
    h.invariant();
    await h.spool.close();
  });

  it('a flipped byte in a segment header, or a huge frame length: every record behind it is counted', async () => {
    await writeSpool(t.dir, 200);
    const segs = segments(t.dir);
    const a = join(t.dir, segs[1]);
    const bytes = readFileSync(a);
    bytes[3] ^= 0x40;
    writeFileSync(a, bytes);
    const b = join(t.dir, segs[2]);
    const other = readFileSync(b);
    other.writeUInt32LE(0x7fffffff, scanSegmentBytes(other).frames[1].offset);
    writeFileSync(b, other);
    const h = harness(t.dir);
    const out = (await h.drain()).map(batchNumber);
    expect(out.length).toBeGreaterThan(0);
    const lost = lostRecords(range(200), out);
    expect(h.counters.dropped.corrupt).toBe(lost);
    expect(h.counters.lossUnknown.corrupt).toBe(0);
    h.invariant();
    await h.spool.close();
  });

  it('without a manifest (a 0.1 cursor) the loss is flagged as of unknown size, never silent', async () => {
    await writeSpool(t.dir, 200);
    const { cursor } = readCursor(nodeSpoolFs, t.dir);
    writeFileSync(
      join(t.dir, 'cursor'),
      encodeCursor({ ackedBelow: cursor.ackedBelow, acked: cursor.acked }),
    );
    const segs = segments(t.dir);
    const file = join(t.dir, segs[1]);
    // Cut mid-frame: a torn end, though not in the newest segment.
    truncateSync(file, Math.floor(statSync(file).size / 2) + 7);
    truncateSync(join(t.dir, segs[2]), 0);
    const report = inspectSpool(t.dir);
    expect(report.totals.lossUnknown).toBe(2);
    expect(formatSpoolReport(report)).toMatch(/\d+\+ records lost to damage/);
    const h = harness(t.dir);
    await h.drain();
    expect(h.counters.lossUnknown.corrupt).toBe(2);
    expect(h.counters.dropped.corrupt).toBeGreaterThanOrEqual(2);
    expect(h.lines.filter((l) => l.includes('places of unknown size'))).toHaveLength(2);
    h.invariant();
    await h.spool.close();
  });

  it('the newest segment may end in a torn write: not a loss', async () => {
    await writeSpool(t.dir, 200);
    const segs = segments(t.dir);
    const last = join(t.dir, segs.at(-1)!);
    const scan = scanSegmentBytes(readFileSync(last));
    // Cut inside the last frame only; the frames before it are whole.
    const f = scan.frames.at(-1)!;
    writeFileSync(join(t.dir, 'cursor'), 'garbage');
    truncateSync(last, f.offset + 10);
    const h = harness(t.dir);
    const out = await h.drain();
    expect(out.length).toBeGreaterThan(0);
    expect(out.every(isIntact)).toBe(true);
    expect(h.counters.dropped.corrupt).toBe(0);
    expect(h.counters.lossUnknown.corrupt).toBe(0);
    h.invariant();
    await h.spool.close();
  });

  it('after a SIGKILL: older segments cut in half are counted exactly from the periodic cursor', async () => {
    const w = startWriter(t.dir, 0, 400, 'interval', 'hold');
    await w.waitLine('DONE');
    expect(w.appended).toHaveLength(400);
    const segs = segments(t.dir);
    expect(segs.length).toBeGreaterThan(3);
    // The writer's timer writes the cursor with the sealed segments' manifest; wait for it.
    const sealed = () =>
      readCursor(nodeSpoolFs, t.dir).cursor.segments?.get(Number(segs[1].slice(0, 12)))?.sealed;
    await until(() => sealed() === true, 'the second segment sealed');
    w.child.kill('SIGKILL');
    expect(await w.exited).toBe(null);
    for (const name of [segs[0], segs[1]]) {
      const file = join(t.dir, name);
      truncateSync(file, SEGMENT_HEADER_BYTES + Math.floor((statSync(file).size - SEGMENT_HEADER_BYTES) / 2));
    }
    const h = harness(t.dir);
    const out = (await h.drain()).map(batchNumber);
    const lost = lostRecords(w.appended, out);
    expect(lost).toBeGreaterThan(10);
    expect(h.counters.dropped.corrupt).toBe(lost);
    expect(h.counters.lossUnknown.corrupt).toBe(0);
    h.invariant();
    await h.spool.close();
  });
});
