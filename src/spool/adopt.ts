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
import { CURSOR_FILE, readCursor, SettledSeqs, writeCursor } from './cursor.js';
import { parseSegmentFileName, readFrame } from './format.js';
import { errorCode, truncateFile } from './fs.js';
import { listSubdirs, tryLock } from './lock.js';
import { moveToQuarantine, writeQuarantine } from './quarantine.js';
import { assessDamage, type Damage, type SegmentScan, scanSegmentBytes, segmentNames } from './scan-file.js';
import type { SegmentWriter } from './segment-writer.js';
import { reportCorrupt, type SpoolContext } from './spool-context.js';

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
  readonly #spool: SpoolContext;
  readonly #writer: SegmentWriter;
  #running = false;
  /** Per source directory: ids copied into our spool whose source frame is not settled on disk yet. */
  readonly #unsettled = new Map<string, Set<string>>();

  constructor(spool: SpoolContext, writer: SegmentWriter) {
    this.#spool = spool;
    this.#writer = writer;
  }

  /** One pass over the sibling directories; never throws (disk errors go to `diskError`). */
  async run(): Promise<void> {
    const spool = this.#spool;
    if (this.#running || spool.closed || !spool.dir) return;
    this.#running = true;
    try {
      const root = spool.cfg.dir;
      const candidates = [root, ...listSubdirs(spool.fs, root)].filter((d) => d !== spool.dir);
      for (const d of this.#unsettled.keys()) if (!candidates.includes(d)) this.#unsettled.delete(d);
      let own: Set<string> | undefined;
      const ids: PassIds = { seen: new Set(), own: () => (own ??= spool.index.openIds()) };
      for (const dir of candidates) {
        if (spool.closed) return;
        if (!hasSegments(spool, dir) && dir === root) continue;
        const lock = tryLock(spool.fs, dir);
        if (!lock) continue;
        let done = false;
        const unsettled = this.#unsettled.get(dir) ?? new Set<string>();
        this.#unsettled.set(dir, unsettled);
        try {
          const settled = new SettledSeqs(readCursor(spool.fs, dir).cursor);
          const ownDir = spool.dir;
          done = await adoptDir({ spool, writer: this.#writer, dir, ownDir, settled, unsettled, ids });
        } finally {
          if (done) this.#unsettled.delete(dir);
          if (done && dir !== root) spool.fs.rmSync(dir, { recursive: true, force: true });
          else lock.release();
        }
      }
    } catch (err) {
      spool.diskError('adopt', err);
    } finally {
      this.#running = false;
    }
  }
}

function hasSegments(spool: SpoolContext, dir: string): boolean {
  try {
    return segmentNames(spool.fs, dir).length > 0;
  } catch {
    return false;
  }
}

/** A source directory being adopted, as the adoption of each of its segments sees it. */
interface SourceDir {
  readonly spool: SpoolContext;
  readonly writer: SegmentWriter;
  /** The source directory, and ours (whose quarantine folder gets what is unreadable). */
  readonly dir: string;
  readonly ownDir: string;
  /** What the source's cursor settles. */
  readonly settled: SettledSeqs;
  readonly unsettled: Set<string>;
  readonly ids: PassIds;
}

/** Returns true when every segment of `src.dir` was moved into ours. */
async function adoptDir(src: SourceDir): Promise<boolean> {
  const { spool, dir } = src;
  const names = segmentNames(spool.fs, dir);
  let adopted = 0;
  let done = true;
  for (const name of names) {
    if (spool.closed) {
      done = false;
      break;
    }
    const seg = new SegmentAdoption(src, name, name === names.at(-1));
    const ok = await seg.run();
    adopted += seg.records;
    if (!ok) {
      done = false;
      break;
    }
  }
  if (adopted > 0) spool.diag.info('spool-adopted', `spool adopted ${adopted} records from ${dir}`);
  if (!done) return false;
  try {
    spool.fs.unlinkSync(join(dir, CURSOR_FILE));
  } catch {
    // No cursor.
  }
  return true;
}

/** One source segment: quarantine what is unreadable, copy the rest with checkpoints. */
class SegmentAdoption {
  readonly #src: SourceDir;
  readonly #name: string;
  readonly #file: string;
  readonly #segNo: number;
  readonly #newest: boolean;
  /** Records copied into our spool (reported `recovered`). */
  #records = 0;
  /** Source seqs settled by this adoption so far (copied, already held, or corrupt). */
  readonly #settledNow: number[] = [];
  /** Ids copied since the last checkpoint. */
  readonly #sinceCheckpoint: string[] = [];
  /** Damage found and not counted yet (counted once the source settles it). */
  #damage: Damage | undefined;

  constructor(src: SourceDir, name: string, newest: boolean) {
    this.#src = src;
    this.#name = name;
    this.#file = join(src.dir, name);
    this.#segNo = parseSegmentFileName(name) ?? 0;
    this.#newest = newest;
  }

  /** Records copied into our spool so far. */
  get records(): number {
    return this.#records;
  }

  /** True when the segment is gone from the source (copied, quarantined, or empty). */
  async run(): Promise<boolean> {
    const { spool, settled } = this.#src;
    const scan = scanSegmentBytes(await spool.fs.promises.readFile(this.#file));
    const damage = assessDamage(scan, this.#segNo, settled, this.#newest);
    this.#damage = damage.what ? damage : undefined;
    if (scan.header === 'bad') return this.#quarantineForeign();
    if (scan.header === 'short') return this.#unlinkSource() && this.#countDamage();
    if (scan.insaneAt !== undefined && !this.#quarantineRest(scan, scan.insaneAt)) return false;
    this.#settledNow.push(...damage.seqs);
    return this.#copyFrames(scan);
  }

  /** Copies the frames the source does not settle and we do not hold, checkpointing as it goes. */
  async #copyFrames(scan: SegmentScan): Promise<boolean> {
    const { spool, writer, settled, ids, unsettled } = this.#src;
    for (const f of scan.frames) {
      if (spool.closed) {
        // Closing: settle what was copied so far, so the next process does not copy it again.
        await this.#checkpoint(false);
        return false;
      }
      if (settled.has(f.seq)) continue;
      if (unsettled.has(f.id) || ids.seen.has(f.id) || ids.own().has(f.id)) {
        // Already ours (copied by an earlier pass, or by a crashed adopter whose data we hold).
        this.#settledNow.push(f.seq);
        if (unsettled.has(f.id)) this.#sinceCheckpoint.push(f.id);
        continue;
      }
      const ev = readFrame(scan.bytes, f.offset);
      if (ev.kind !== 'frame') continue;
      if (!writer.write({ id: f.id, count: f.count, body: ev.body }, f.ts, false)) {
        await this.#checkpoint(false);
        return false;
      }
      spool.accounting.recovered(f.count);
      this.#records += f.count;
      ids.seen.add(f.id);
      unsettled.add(f.id);
      this.#sinceCheckpoint.push(f.id);
      this.#settledNow.push(f.seq);
      if (this.#sinceCheckpoint.length >= CHECKPOINT_FRAMES && !(await this.#checkpoint(false))) return false;
    }
    return this.#checkpoint(true);
  }

  /**
   * Makes our copies durable, then settles them in the source: its cursor (part-way) or the
   * deletion of the segment (`whole`). Counts the corrupt frames once the source says so.
   */
  async #checkpoint(whole: boolean): Promise<boolean> {
    if (!whole && this.#settledNow.length === 0) return true;
    const { spool, writer, dir, settled, unsettled } = this.#src;
    if (!(await writer.syncAll())) return false;
    if (whole) {
      if (!this.#unlinkSource()) return false;
    } else {
      const { cursor } = settled;
      const acked = [...new Set([...cursor.acked, ...this.#settledNow])].sort((a, b) => a - b);
      // This segment's manifest no longer matches once frames of it are settled here: leave
      // it out (a later adopter then counts damage in it as of unknown size); keep the others.
      const segments = new Map(cursor.segments);
      segments.delete(this.#segNo);
      try {
        await writeCursor(spool.fs, dir, { ackedBelow: cursor.ackedBelow, acked, segments }, true);
      } catch (err) {
        spool.diskError('adopt', err);
        return false;
      }
    }
    for (const id of this.#sinceCheckpoint) unsettled.delete(id);
    this.#sinceCheckpoint.length = 0;
    return this.#countDamage();
  }

  /** Counts the damage found in the source segment, once (after it is out of the way). */
  #countDamage(): true {
    const d = this.#damage;
    if (d) {
      const what = `spool segment ${this.#name} of ${this.#src.dir} (adopting): ${d.what}`;
      reportCorrupt(this.#src.spool, d.records, what, d.unknown);
      this.#damage = undefined;
    }
    return true;
  }

  #unlinkSource(): boolean {
    const { spool } = this.#src;
    try {
      spool.fs.unlinkSync(this.#file);
      return true;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return true;
      spool.diskError('adopt', err);
      return false;
    }
  }

  /** A foreign header: moved whole to our quarantine folder (for `podlog spool inspect`), counted once. */
  #quarantineForeign(): boolean {
    const { spool, dir, ownDir } = this.#src;
    try {
      moveToQuarantine(spool.fs, ownDir, this.#file, `foreign-${basename(dir)}-${this.#name}`);
    } catch (err) {
      spool.diskError('quarantine', err);
      return false;
    }
    spool.diag.warn(
      'spool-quarantine',
      `spool segment ${this.#name} of ${dir} has a foreign header; quarantined`,
    );
    return this.#countDamage();
  }

  /** An unreadable rest: copied to our quarantine folder and cut off the source, then counted once. */
  #quarantineRest(scan: SegmentScan, at: number): boolean {
    const { spool, dir, ownDir } = this.#src;
    try {
      // Same name on a retry: a second attempt replaces the first copy.
      const name = `corrupt-${basename(dir)}-${this.#name}-${at}.bin`;
      const note = { segment: this.#name, dir: basename(dir), offset: at, bytes: scan.size - at };
      writeQuarantine(spool.fs, ownDir, name, scan.bytes.subarray(at), note, spool.cfg.quarantineMaxBytes);
      truncateFile(spool.fs, this.#file, at);
    } catch (err) {
      spool.diskError('quarantine', err);
      return false;
    }
    spool.diag.warn(
      'spool-quarantine',
      `spool segment ${this.#name} of ${dir} unreadable after byte ${at}; quarantined`,
    );
    return true;
  }
}
