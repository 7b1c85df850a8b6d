/**
 * Adoption: data left in a sibling directory (the root, or a `proc-*` sub-directory) whose
 * writer is gone is taken over by exactly one live process: it takes that directory's lock and
 * re-appends the unacknowledged frames into its own segments (keeping their id and time).
 *
 * Progress is kept so nothing is copied or counted twice:
 * - every {@link CHECKPOINT_FRAMES} frames, and when a write fails part-way, our copies are
 *   synced and then the source's cursor is rewritten to settle the frames copied (and the
 *   corrupt ones counted) so far; a segment copied whole is synced, then deleted. A retry (ours
 *   or, after a crash, another process's) continues after the last checkpoint.
 * - a frame whose batch id this spool already holds, or copied in this pass from another
 *   directory, is not copied again (a crashed adopter's copies and their source are both left;
 *   same id, same batch).
 * - copies not yet settled in the source (the sync or the cursor write failed) are remembered
 *   by id in memory, so our own next pass does not copy them again.
 * - a segment with a foreign header is moved whole to our quarantine folder, and an unreadable
 *   rest (insane length) is copied there and cut off the source, as recovery does; each is
 *   counted once, after it is out of the way.
 *
 * What remains: a crash between the sync of a chunk and the rewrite of the source cursor (or
 * the deletion of the segment) leaves that chunk (at most CHECKPOINT_FRAMES batches) to be
 * adopted again; if the crashed process had already delivered those copies, they are sent twice
 * (same batch id). Duplicates, never loss.
 */
import { basename, join } from 'node:path';
import { CURSOR_FILE, type Cursor, isAcked, readCursor, writeCursor } from './cursor.js';
import { parseSegmentFileName, readFrame } from './format.js';
import { errorCode } from './fs.js';
import { tryLock } from './lock.js';
import { listSubdirs } from './open-dir.js';
import { quarantineDir, writeQuarantine } from './quarantine.js';
import { assessDamage, type Damage, type SegmentScan, scanSegmentBytes } from './scan-file.js';
import type { SegmentWriter } from './segment-writer.js';
import { countRecoveredCorrupt, type SpoolContext } from './spool-context.js';

/** Frames copied between two checkpoints: bounds what a crash mid-adoption leaves to copy again. */
export const CHECKPOINT_FRAMES = 64;

/** What one pass knows about batch ids: the ones it must not copy again. */
interface PassIds {
  /** Copied in this pass, from any directory. */
  readonly seen: Set<string>;
  /** Held by this spool (built on first use). */
  own(): ReadonlySet<string>;
}

/**
 * Adopts the data of dead siblings into one spool. One per spool: a pass in progress makes
 * later calls (the heartbeat's) a no-op for this spool only; another spool in the same
 * process adopts on its own.
 */
export class StaleDirAdopter {
  private running = false;
  /** Per source directory: ids copied into our spool whose source frame is not settled on disk yet. */
  private readonly unsettled = new Map<string, Set<string>>();

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
      for (const d of this.unsettled.keys()) if (!candidates.includes(d)) this.unsettled.delete(d);
      let own: Set<string> | undefined;
      const ids: PassIds = { seen: new Set(), own: () => (own ??= liveIds(spool)) };
      for (const dir of candidates) {
        if (spool.closed) return;
        if (!hasSegments(spool, dir) && dir === root) continue;
        const lock = tryLock(spool.fs, dir);
        if (!lock) continue;
        let done = false;
        const unsettled = this.unsettled.get(dir) ?? new Set<string>();
        this.unsettled.set(dir, unsettled);
        try {
          done = await adoptDir(spool, writer, dir, spool.dir, unsettled, ids);
        } finally {
          if (done) this.unsettled.delete(dir);
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

/** Ids of the batches this spool holds and has not settled. */
function liveIds(spool: SpoolContext): Set<string> {
  const ids = new Set<string>();
  for (const seg of spool.index.segments) for (const e of seg.entries) if (e.state !== 'done') ids.add(e.id);
  return ids;
}

/** Returns true when every segment of `dir` was moved into ours. */
async function adoptDir(
  spool: SpoolContext,
  writer: SegmentWriter,
  dir: string,
  ownDir: string,
  unsettled: Set<string>,
  ids: PassIds,
): Promise<boolean> {
  const { fs, diag } = spool;
  const { cursor } = readCursor(fs, dir);
  const names = fs
    .readdirSync(dir)
    .filter((n) => parseSegmentFileName(n) !== undefined)
    .sort();
  const newest = names.at(-1);
  let adopted = 0;
  let done = true;
  for (const name of names) {
    if (spool.closed) {
      done = false;
      break;
    }
    const seg = new SegmentAdoption(
      spool,
      writer,
      dir,
      ownDir,
      name,
      cursor,
      unsettled,
      ids,
      name === newest,
    );
    const ok = await seg.run();
    adopted += seg.records;
    if (!ok) {
      done = false;
      break;
    }
  }
  if (adopted > 0) diag.info('spool-adopted', `spool adopted ${adopted} records from ${dir}`);
  if (!done) return false;
  try {
    fs.unlinkSync(join(dir, CURSOR_FILE));
  } catch {
    // No cursor.
  }
  return true;
}

/** One source segment: quarantine what is unreadable, copy the rest with checkpoints. */
class SegmentAdoption {
  /** Records copied into our spool (counted `recovered` and `spooled`). */
  records = 0;
  private readonly file: string;
  private readonly acked: ReadonlySet<number>;
  /** Source seqs settled by this adoption so far (copied, already held, or corrupt). */
  private readonly settledNow: number[] = [];
  /** Ids copied since the last checkpoint. */
  private readonly sinceCheckpoint: string[] = [];
  /** Damage found and not counted yet (counted once the source settles it). */
  private damage: Damage | undefined;

  constructor(
    private readonly spool: SpoolContext,
    private readonly writer: SegmentWriter,
    private readonly dir: string,
    private readonly ownDir: string,
    private readonly name: string,
    private readonly cursor: Cursor,
    private readonly unsettled: Set<string>,
    private readonly ids: PassIds,
    private readonly newest: boolean,
  ) {
    this.file = join(dir, name);
    this.acked = new Set(cursor.acked);
  }

  /** True when the segment is gone from the source (copied, quarantined, or empty). */
  async run(): Promise<boolean> {
    const { spool, writer, ids, unsettled } = this;
    const scan = scanSegmentBytes(await spool.fs.promises.readFile(this.file));
    const settled = (seq: number) => isAcked(this.cursor, this.acked, seq);
    const segNo = parseSegmentFileName(this.name) ?? 0;
    const damage = assessDamage(scan, {
      segNo,
      settled,
      manifest: this.cursor.segments?.get(segNo),
      newest: this.newest,
    });
    this.damage = damage.what ? damage : undefined;
    if (scan.header === 'bad') return this.quarantineForeign();
    if (scan.header === 'short') return this.unlinkSource() && this.countDamage();
    if (scan.insaneAt !== undefined && !this.quarantineRest(scan, scan.insaneAt)) return false;
    this.settledNow.push(...damage.seqs);
    for (const f of scan.frames) {
      if (spool.closed) {
        // Closing: settle what was copied so far, so the next process does not copy it again.
        await this.checkpoint(false);
        return false;
      }
      if (settled(f.seq)) continue;
      if (unsettled.has(f.id) || ids.seen.has(f.id) || ids.own().has(f.id)) {
        // Already ours (copied by an earlier pass, or by a crashed adopter whose data we hold).
        this.settledNow.push(f.seq);
        if (unsettled.has(f.id)) this.sinceCheckpoint.push(f.id);
        continue;
      }
      const ev = readFrame(scan.bytes, f.offset);
      if (ev.kind !== 'frame') continue;
      if (!writer.write({ id: f.id, count: f.count, body: ev.body }, f.ts, false)) {
        await this.checkpoint(false);
        return false;
      }
      spool.counters.recovered += f.count;
      spool.counters.spooled += f.count;
      this.records += f.count;
      ids.seen.add(f.id);
      unsettled.add(f.id);
      this.sinceCheckpoint.push(f.id);
      this.settledNow.push(f.seq);
      if (this.sinceCheckpoint.length >= CHECKPOINT_FRAMES && !(await this.checkpoint(false))) return false;
    }
    return this.checkpoint(true);
  }

  /**
   * Makes our copies durable, then settles them in the source: its cursor (part-way) or the
   * deletion of the segment (`whole`). Counts the corrupt frames once the source says so.
   */
  private async checkpoint(whole: boolean): Promise<boolean> {
    const { spool } = this;
    if (!whole && this.settledNow.length === 0) return true;
    if (!(await this.writer.syncAll())) return false;
    if (whole) {
      if (!this.unlinkSource()) return false;
    } else {
      const acked = [...new Set([...this.cursor.acked, ...this.settledNow])].sort((a, b) => a - b);
      // This segment's manifest no longer matches once frames of it are settled here: leave
      // it out (a later adopter then counts damage in it as of unknown size); keep the others.
      const segments = new Map(this.cursor.segments);
      segments.delete(parseSegmentFileName(this.name) ?? -1);
      try {
        await writeCursor(spool.fs, this.dir, { ackedBelow: this.cursor.ackedBelow, acked, segments }, true);
      } catch (err) {
        spool.diskError('adopt', err);
        return false;
      }
    }
    for (const id of this.sinceCheckpoint) this.unsettled.delete(id);
    this.sinceCheckpoint.length = 0;
    return this.countDamage();
  }

  /** Counts the damage found in the source segment, once (after it is out of the way). */
  private countDamage(): true {
    const d = this.damage;
    if (d) {
      countRecoveredCorrupt(
        this.spool,
        d.records,
        `spool segment ${this.name} of ${this.dir} (adopting): ${d.what}`,
        d.unknown,
      );
      this.damage = undefined;
    }
    return true;
  }

  private unlinkSource(): boolean {
    try {
      this.spool.fs.unlinkSync(this.file);
      return true;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return true;
      this.spool.diskError('adopt', err);
      return false;
    }
  }

  /** A foreign header: moved whole to our quarantine folder (for `podlog spool inspect`), counted once. */
  private quarantineForeign(): boolean {
    const { spool } = this;
    const qdir = quarantineDir(this.ownDir);
    try {
      spool.fs.mkdirSync(qdir, { recursive: true, mode: 0o700 });
      spool.fs.renameSync(this.file, join(qdir, `foreign-${basename(this.dir)}-${this.name}`));
    } catch (err) {
      spool.diskError('quarantine', err);
      return false;
    }
    spool.diag.warn(
      'spool-quarantine',
      `spool segment ${this.name} of ${this.dir} has a foreign header; quarantined`,
    );
    return this.countDamage();
  }

  /** An unreadable rest: copied to our quarantine folder and cut off the source, then counted once. */
  private quarantineRest(scan: SegmentScan, at: number): boolean {
    const { spool } = this;
    try {
      // Same name on a retry: a second attempt replaces the first copy.
      const name = `corrupt-${basename(this.dir)}-${this.name}-${at}.bin`;
      const note = { segment: this.name, dir: basename(this.dir), offset: at, bytes: scan.size - at };
      writeQuarantine(
        spool.fs,
        this.ownDir,
        name,
        scan.bytes.subarray(at),
        note,
        spool.cfg.quarantineMaxBytes,
      );
      const fd = spool.fs.openSync(this.file, 'r+');
      try {
        spool.fs.ftruncateSync(fd, at);
      } finally {
        spool.fs.closeSync(fd);
      }
    } catch (err) {
      spool.diskError('quarantine', err);
      return false;
    }
    spool.diag.warn(
      'spool-quarantine',
      `spool segment ${this.name} of ${this.dir} unreadable after byte ${at}; quarantined`,
    );
    return true;
  }
}
