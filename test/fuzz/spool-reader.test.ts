/**
 * The spool reader under random bytes: as a segment's bytes (the scanner) and as whole segment
 * files in a spool directory (recovery, replay, `podlog spool inspect`). Garbage is skipped and
 * counted as `corrupt`, intact frames come back bit-exact, nothing throws, and the scan always
 * moves forward (at most one event per 30 bytes), so it cannot loop.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  encodeFrame,
  FRAME_HEADER_BYTES,
  inspectSpool,
  MIN_PAYLOAD_BYTES,
  scanSegmentBytes,
  segmentFileName,
  segmentHeader,
} from '../../src/spool/index.js';
import { batchNumber, harness, isIntact, makeBatch, tempDir } from '../spool/helpers.js';
import { mutated } from './bodies.js';

const MIN_FRAME = FRAME_HEADER_BYTES + MIN_PAYLOAD_BYTES;

function realSegment(first: number, n: number): Buffer {
  return Buffer.concat([
    segmentHeader(),
    ...Array.from({ length: n }, (_, k) =>
      encodeFrame(makeBatch(first + k, 40 + k * 7), first + k, Date.now()),
    ),
  ]);
}

/** Segment contents: pure noise, a valid header then noise, or a real segment mutated. */
const segmentBytes = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.uint8Array({ maxLength: 2048 }).map((tail) => Buffer.concat([segmentHeader(), tail])),
  mutated(realSegment(0, 6)),
);

describe('spool reader fuzz', () => {
  it('the scanner: always terminates moving forward, every frame inside the file, counts bounded', () => {
    fc.assert(
      fc.property(segmentBytes, (raw) => {
        const bytes = new Uint8Array(raw);
        const scan = scanSegmentBytes(bytes);
        const events = scan.frames.length + scan.corrupt.length;
        expect(events).toBeLessThanOrEqual(Math.floor(bytes.length / MIN_FRAME) + 1);
        let end = 0;
        for (const f of scan.frames) {
          expect(f.offset).toBeGreaterThanOrEqual(end);
          end = f.offset + f.length;
          expect(end).toBeLessThanOrEqual(bytes.length);
        }
        for (const c of scan.corrupt) expect(c.count).toBeGreaterThanOrEqual(1);
        expect(scan.corrupt.reduce((n, c) => n + c.count, 0)).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  describe('random segment files in a spool directory', () => {
    let t: ReturnType<typeof tempDir>;
    beforeEach(() => {
      t = tempDir();
    });
    afterEach(() => t.cleanup());

    it('recovery skips and counts the garbage, replays intact frames bit-exact, inspect never throws', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(segmentBytes, { minLength: 1, maxLength: 6 }), async (files) => {
          const dir = join(t.dir, `run-${Math.random().toString(36).slice(2)}`);
          mkdirSync(dir, { mode: 0o700 });
          for (const [i, b] of files.entries()) {
            writeFileSync(join(dir, segmentFileName(i + 1)), b, { mode: 0o600 });
          }
          expect(() => inspectSpool(dir)).not.toThrow();
          const h = harness(dir);
          await h.spool.whenRecovered();
          const out = await h.drain();
          // Whatever came back passed its checksum: it is one of the batches we wrote, intact.
          for (const b of out) expect(isIntact(b)).toBe(true);
          // (Two files may hold copies of one frame: both replay. At least once, never invented.)
          expect(out.every((b) => batchNumber(b) < 6)).toBe(true);
          const c = h.counters;
          expect(c.spooled).toBe(0);
          // A frame with an intact checksum but a random timestamp can be old: evicted as expired.
          expect(c.recovered).toBe(c.exported + c.dropped.corrupt + c.dropped.expired);
          h.invariant();
          await h.spool.close();
        }),
        { numRuns: 40 },
      );
    }, 60_000);
  });
});
