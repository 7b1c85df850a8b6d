/**
 * Adoption: data left in a sibling directory (the root, or a `proc-*` sub-directory) whose
 * writer is gone is taken over by exactly one live process: it takes that directory's lock,
 * re-appends the unacknowledged frames into its own segments (keeping their id and time),
 * syncs, and only then deletes the source. A crash half-way leaves the rest for the next
 * adopter (duplicates, never loss).
 */
import { join } from 'node:path';
import { CURSOR_FILE, readCursor } from './cursor.js';
import { parseSegmentFileName, readFrame } from './format.js';
import { tryLock } from './lock.js';
import { listSubdirs } from './open-dir.js';
import { scanSegmentBytes, uncountedCorrupt } from './scan-file.js';
import type { SegmentWriter } from './segment-writer.js';
import type { SpoolContext } from './spool-context.js';

/**
 * Adopts the data of dead siblings into one spool. One per spool: a pass in progress makes
 * later calls (the heartbeat's) a no-op for this spool only; another spool in the same
 * process adopts on its own.
 */
export class StaleDirAdopter {
  private running = false;

  constructor(
    private readonly spool: SpoolContext,
    private readonly writer: SegmentWriter,
  ) {}

  /** One pass over the sibling directories; never throws (disk errors go to `diskError`). */
  async run(): Promise<void> {
    const { spool, writer } = this;
    if (this.running || spool.closed || !spool.dir) return;
    this.running = true;
    try {
      const root = spool.cfg.dir;
      const candidates = [root, ...listSubdirs(spool.fs, root)].filter((d) => d !== spool.dir);
      for (const dir of candidates) {
        if (spool.closed) return;
        if (!hasSegments(spool, dir) && dir === root) continue;
        const lock = tryLock(spool.fs, dir);
        if (!lock) continue;
        let done = false;
        try {
          done = await adoptDir(spool, writer, dir);
        } finally {
          if (done && dir !== root) spool.fs.rmSync(dir, { recursive: true, force: true });
          else lock.release();
        }
      }
    } catch (err) {
      spool.diskError('adopt', err);
    } finally {
      this.running = false;
    }
  }
}

function hasSegments(spool: SpoolContext, dir: string): boolean {
  try {
    return spool.fs.readdirSync(dir).some((n) => parseSegmentFileName(n) !== undefined);
  } catch {
    return false;
  }
}

/** Returns true when every segment of `dir` was moved into ours. */
async function adoptDir(spool: SpoolContext, writer: SegmentWriter, dir: string): Promise<boolean> {
  const { fs, counters, diag } = spool;
  const { cursor } = readCursor(fs, dir);
  const acked = new Set(cursor.acked);
  const settled = (seq: number) => seq < cursor.ackedBelow || acked.has(seq);
  const names = fs
    .readdirSync(dir)
    .filter((n) => parseSegmentFileName(n) !== undefined)
    .sort();
  let adopted = 0;
  for (const name of names) {
    if (spool.closed) return false;
    const file = join(dir, name);
    const scan = scanSegmentBytes(await fs.promises.readFile(file));
    if (scan.header === 'bad' || scan.insaneAt !== undefined) {
      // Leave unreadable data where inspect can find it; count what we know is lost.
      counters.recovered += 1;
      counters.drop('corrupt', 1);
    }
    const corrupt = uncountedCorrupt(scan, parseSegmentFileName(name) ?? 0, settled);
    counters.recovered += corrupt.records;
    counters.drop('corrupt', corrupt.records);
    for (const f of scan.frames) {
      if (settled(f.seq)) continue;
      const ev = readFrame(scan.bytes, f.offset);
      if (ev.kind !== 'frame') continue;
      if (!writer.write({ id: f.id, count: f.count, body: ev.body }, f.ts, false)) return false;
      counters.recovered += f.count;
      counters.spooled += f.count;
      adopted += f.count;
    }
    writer.syncNow();
    fs.unlinkSync(file);
  }
  try {
    fs.unlinkSync(join(dir, CURSOR_FILE));
  } catch {
    // No cursor.
  }
  if (adopted > 0) diag.info('spool-adopted', `spool adopted ${adopted} records from ${dir}`);
  return true;
}
