/**
 * Read-only view of a spool directory for `podlog spool inspect|replay|purge`: segments,
 * records, bytes, time range, damage, lock owner, quarantine.
 */
import { join } from 'node:path';
import { nodeSpoolFs, type SpoolFs } from './disk.js';
import { scanSegmentBytes, segmentFiles } from './format.js';
import { readCursor, SettledSeqs } from './ledger.js';
import { listSubdirs, readLock } from './lock.js';
import { quarantineDir } from './quarantine.js';
import { assessDamage } from './recovery.js';

/** One directory of the spool: its lock owner, its cursor's state, and each segment. */
function dirReport(fs: SpoolFs, dir: string) {
  const cursor = readCursor(fs, dir);
  const settled = new SettledSeqs(cursor.cursor);
  const files = segmentFiles(fs, dir, []);
  const segments = files.map(({ name, no }, i) => {
    const scan = scanSegmentBytes(fs.readFileSync(join(dir, name)));
    const pending = scan.frames.filter((f) => !settled.has(f.seq));
    const damage = assessDamage(scan, no, settled, i === files.length - 1);
    const times = scan.frames.map((f) => f.ts);
    return {
      file: name,
      bytes: scan.size,
      frames: scan.frames.length,
      /** Frames not yet acknowledged per the cursor. */
      pendingFrames: pending.length,
      pendingRecords: pending.reduce((s, f) => s + f.count, 0),
      corruptFrames: scan.corrupt.length,
      /**
       * Records the segment lost to damage no process has counted yet (corrupt frames, a cut or
       * emptied file, a broken header, an unreadable rest; see `assessDamage`), and what was found.
       * A lower bound when `lossUnknown` > 0 (places of unknown size: no cursor manifest covers them).
       */
      lostRecords: damage.records,
      lossUnknown: damage.unknown,
      damage: damage.what || undefined,
      header: scan.header,
      unreadableFrom: scan.insaneAt,
      tornAt: scan.tornAt,
      oldest: times.length ? Math.min(...times) : undefined,
      newest: times.length ? Math.max(...times) : undefined,
    };
  });
  return { dir, lock: readLock(fs, dir), cursor: cursor.state, segments };
}

/** What `inspectSpool` found; `totals` sums the segments (`lostRecords` is a lower bound when `lossUnknown` > 0). */
export type SpoolReport = ReturnType<typeof inspectSpool>;

export function inspectSpool(root: string, fs: SpoolFs = nodeSpoolFs) {
  const dirs = [root, ...listSubdirs(fs, root)].map((dir) => dirReport(fs, dir));
  const quarantine = { files: 0, bytes: 0 };
  for (const { dir } of dirs) {
    try {
      for (const n of fs.readdirSync(quarantineDir(dir))) {
        if (n.endsWith('.json')) continue;
        quarantine.files++;
        quarantine.bytes += fs.statSync(join(quarantineDir(dir), n)).size;
      }
    } catch {
      // No quarantine folder.
    }
  }
  const segments = dirs.flatMap((d) => d.segments);
  const sum = (of: (s: (typeof segments)[number]) => number) => segments.reduce((n, s) => n + of(s), 0);
  const totals = {
    segments: segments.length,
    bytes: sum((s) => s.bytes),
    pendingBatches: sum((s) => s.pendingFrames),
    pendingRecords: sum((s) => s.pendingRecords),
    corruptFrames: sum((s) => s.corruptFrames),
    lostRecords: sum((s) => s.lostRecords),
    lossUnknown: sum((s) => s.lossUnknown),
  };
  return { dirs, quarantine, totals };
}
