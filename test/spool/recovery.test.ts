/**
 * Recovery from damaged files: torn tails at every byte offset, flipped bits in closed
 * segments, insane lengths, garbage and missing cursors. Real files, real reopen.
 */
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FRAME_HEADER_BYTES,
  FRAMES_PER_SEGMENT,
  parseSegmentFileName,
  SEGMENT_HEADER_BYTES,
  scanSegmentBytes,
} from '../../src/spool/index.js';
import { batchNumber, harness, isIntact, makeBatch, tempDir } from './helpers.js';

const segments = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort();

async function writeSpool(dir: string, n: number, spool = {}) {
  const h = harness(dir, { spool });
  for (let i = 0; i < n; i++) await h.spoolIt(makeBatch(i, 40));
  await h.spool.close();
}

describe('spool recovery', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('cuts a torn tail at every byte offset of the last two frames: whole frames back, nothing invalid', async () => {
    await writeSpool(t.dir, 4);
    const [seg] = segments(t.dir);
    const original = readFileSync(join(t.dir, seg));
    const frameLen = FRAME_HEADER_BYTES + 2 + 'b-0'.length + 4 + 40;
    const start = SEGMENT_HEADER_BYTES + 2 * frameLen;
    for (let cut = start; cut <= original.length; cut++) {
      writeFileSync(join(t.dir, seg), original.subarray(0, cut));
      writeFileSync(join(t.dir, 'cursor'), 'garbage');
      const whole = 2 + Math.floor((cut - start) / frameLen);
      const h = harness(t.dir);
      const out = await h.drain();
      expect(out.map(batchNumber), `cut at ${cut}`).toEqual(Array.from({ length: whole }, (_, i) => i));
      expect(out.every(isIntact)).toBe(true);
      expect(h.counters.dropped.corrupt).toBe(0);
      h.invariant();
      await h.spool.close();
    }
  });

  it('skips a frame with a flipped bit in a closed segment and counts its records as corrupt', async () => {
    await writeSpool(t.dir, 120, { segmentBytes: 4096, maxBytes: 1 << 20 });
    const segs = segments(t.dir);
    expect(segs.length).toBeGreaterThan(1);
    const victim = join(t.dir, segs[0]);
    const bytes = readFileSync(victim);
    const scan = scanSegmentBytes(bytes);
    const target = scan.frames[2];
    // Flip one bit inside the body of the third frame of the first (closed) segment.
    bytes[target.offset + target.length - 5] ^= 0x10;
    writeFileSync(victim, bytes);
    writeFileSync(join(t.dir, 'cursor'), '');
    const h = harness(t.dir);
    const out = await h.drain();
    expect(out.map(batchNumber)).toEqual(Array.from({ length: 120 }, (_, i) => i).filter((i) => i !== 2));
    expect(out.every(isIntact)).toBe(true);
    expect(h.counters.dropped.corrupt).toBe(makeBatch(2).count);
    h.invariant();
    await h.spool.close();
  });

  it('flips every single bit of one frame in turn: never an invalid batch out', async () => {
    await writeSpool(t.dir, 3);
    const [seg] = segments(t.dir);
    const original = readFileSync(join(t.dir, seg));
    const f = scanSegmentBytes(original).frames[1];
    for (let bit = 0; bit < f.length * 8; bit += 11) {
      const bytes = Buffer.from(original);
      bytes[f.offset + (bit >> 3)] ^= 1 << (bit & 7);
      writeFileSync(join(t.dir, seg), bytes);
      try {
        writeFileSync(join(t.dir, 'cursor'), 'x');
      } catch {}
      const h = harness(t.dir);
      const out = await h.drain();
      expect(out.every(isIntact), `bit ${bit}`).toBe(true);
      expect(out.map(batchNumber)).toContain(0);
      h.invariant();
      await h.spool.close();
    }
  });

  it('an insane length quarantines the rest of the segment and counts it', async () => {
    await writeSpool(t.dir, 5);
    const [seg] = segments(t.dir);
    const bytes = readFileSync(join(t.dir, seg));
    const f = scanSegmentBytes(bytes).frames[3];
    bytes.writeUInt32LE(0xfffffff0, f.offset);
    writeFileSync(join(t.dir, seg), bytes);
    const h = harness(t.dir);
    const out = await h.drain();
    expect(out.map(batchNumber)).toEqual([0, 1, 2]);
    expect(h.counters.dropped.corrupt).toBeGreaterThanOrEqual(1);
    expect(readdirSync(join(t.dir, 'quarantine')).some((n) => n.startsWith('corrupt-'))).toBe(true);
    h.invariant();
    await h.spool.close();
  });

  it('an unreadable rest is counted once, though older frames of its segment stay unacknowledged', async () => {
    await writeSpool(t.dir, 5);
    const [seg] = segments(t.dir);
    const bytes = readFileSync(join(t.dir, seg));
    bytes.writeUInt32LE(0xfffffff0, scanSegmentBytes(bytes).frames[3].offset);
    writeFileSync(join(t.dir, seg), bytes);
    const h2 = harness(t.dir);
    await h2.spool.whenRecovered();
    // b3 and b4 were behind the insane length: counted exactly (the cursor's manifest).
    expect(h2.counters.dropped.corrupt).toBe(makeBatch(3).count + makeBatch(4).count);
    expect(h2.counters.lossUnknown.corrupt).toBe(0);
    await h2.spool.close();
    const h3 = harness(t.dir);
    const out = await h3.drain();
    expect(out.map(batchNumber)).toEqual([0, 1, 2]);
    expect(h3.counters.dropped.corrupt).toBe(0);
    expect(readdirSync(join(t.dir, 'quarantine')).filter((n) => n.endsWith('.bin'))).toHaveLength(1);
    h3.invariant();
    await h3.spool.close();
  });

  it.each(['missing', 'garbage', 'truncated'])(
    'a %s cursor replays from the oldest segment (duplicates, not loss)',
    async (kind) => {
      const h1 = harness(t.dir);
      for (let i = 0; i < 6; i++) await h1.spoolIt(makeBatch(i));
      const first = (await h1.spool.next())!;
      await h1.spool.ack(first.id);
      await h1.spool.close();
      const cursor = join(t.dir, 'cursor');
      if (kind === 'missing') truncateSync(cursor, 0);
      if (kind === 'missing') writeFileSync(cursor, '');
      if (kind === 'garbage') writeFileSync(cursor, '\x00\xff{not json');
      if (kind === 'truncated') writeFileSync(cursor, readFileSync(cursor).subarray(0, 10));
      if (kind === 'missing') (await import('node:fs')).unlinkSync(cursor);
      const h2 = harness(t.dir);
      const out = await h2.drain();
      expect(out.map(batchNumber)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(h2.lines.some((l) => l.includes('cursor unreadable'))).toBe(kind !== 'missing');
      h2.invariant();
      await h2.spool.close();
    },
  );

  it('a segment with a foreign header is moved aside and counted; the others still replay', async () => {
    await writeSpool(t.dir, 120, { segmentBytes: 4096, maxBytes: 1 << 20 });
    const segs = segments(t.dir);
    const bytes = readFileSync(join(t.dir, segs[1]));
    bytes.write('NOTPODLG', 0, 'latin1');
    writeFileSync(join(t.dir, segs[1]), bytes);
    const inFirst = scanSegmentBytes(readFileSync(join(t.dir, segs[0]))).frames.length;
    const h = harness(t.dir);
    const out = await h.drain();
    expect(out.slice(0, inFirst).map(batchNumber)).toEqual(Array.from({ length: inFirst }, (_, i) => i));
    expect(out.every(isIntact)).toBe(true);
    // Exactly the records the damaged segment held (the cursor's manifest), not 1.
    const lost = Array.from({ length: 120 }, (_, i) => i)
      .filter((i) => !out.some((b) => batchNumber(b) === i))
      .reduce((n, i) => n + makeBatch(i).count, 0);
    expect(lost).toBeGreaterThan(1);
    expect(h.counters.dropped.corrupt).toBe(lost);
    expect(h.counters.lossUnknown.corrupt).toBe(0);
    expect(readdirSync(join(t.dir, 'quarantine')).some((n) => n.startsWith('foreign-'))).toBe(true);
    h.invariant();
    await h.spool.close();
  });

  it('frame k of segment n is seq n * FRAMES_PER_SEGMENT + k, also across size rotations', async () => {
    // Sizes that rotate by size again and again (a frame that does not fit starts the next segment).
    const h = harness(t.dir, { spool: { segmentBytes: 4096 } });
    for (let i = 0; i < 40; i++) await h.spoolIt(makeBatch(i, 300 + ((i * 397) % 1500)));
    await h.spool.close();
    const segs = segments(t.dir);
    expect(segs.length).toBeGreaterThan(5);
    for (const name of segs) {
      const scan = scanSegmentBytes(readFileSync(join(t.dir, name)));
      const no = parseSegmentFileName(name)!;
      expect(scan.frames.map((f) => f.seq)).toEqual(scan.frames.map((_, k) => no * FRAMES_PER_SEGMENT + k));
    }
  });

  it('what a cursor settled out of order stays settled over two restarts; no new frame reuses its seq', async () => {
    // Process 1: b0 is leased when the spool closes; b1, alone in the last segment, is acked
    // (its segment is deleted at close), so the cursor says "below 0, and seq of b1".
    const h1 = harness(t.dir, { spool: { durability: 'always', segmentBytes: 4096 } });
    await h1.spoolIt(makeBatch(0, 3000));
    await h1.spoolIt(makeBatch(1, 3000));
    const b0 = (await h1.spool.next())!;
    const b1 = (await h1.spool.next())!;
    expect([b0, b1].map(batchNumber)).toEqual([0, 1]);
    await h1.spool.ack(b1.id);
    await h1.spool.close();
    expect(segments(t.dir)).toHaveLength(1);
    // Process 2 recovers b0 and appends b2; it must not be numbered like the acked b1.
    const h2 = harness(t.dir, { spool: { durability: 'always', segmentBytes: 4096 } });
    await h2.spool.whenRecovered();
    expect(h2.counters.recovered).toBe(makeBatch(0).count);
    await h2.spoolIt(makeBatch(2, 40));
    await h2.spool.close();
    // Process 3 finds b0 and b2, each once.
    const h3 = harness(t.dir);
    const out = await h3.drain();
    expect(out.map(batchNumber)).toEqual([0, 2]);
    expect(out.every(isIntact)).toBe(true);
    h3.invariant();
    await h3.spool.close();
  });

  it('a corrupt frame counted at recovery is not counted again by the process after', async () => {
    // b1 corrupt behind b0, which stays unacknowledged across two restarts.
    await writeSpool(t.dir, 3);
    const [seg] = segments(t.dir);
    const bytes = readFileSync(join(t.dir, seg));
    const f = scanSegmentBytes(bytes).frames[1];
    bytes[f.offset + f.length - 1] ^= 0x01;
    writeFileSync(join(t.dir, seg), bytes);
    const h2 = harness(t.dir);
    await h2.spool.whenRecovered();
    expect(h2.counters.dropped.corrupt).toBe(makeBatch(1).count);
    h2.invariant();
    await h2.spool.close();
    const h3 = harness(t.dir);
    const out = await h3.drain();
    expect(out.map(batchNumber)).toEqual([0, 2]);
    expect(h3.counters.dropped.corrupt).toBe(0);
    h3.invariant();
    await h3.spool.close();
  });
});
