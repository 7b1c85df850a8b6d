/**
 * Data of earlier processes: recovery of the segments an earlier process left in our directory,
 * adoption of the data of dead siblings, and the one assessment of what damaged segments lost.
 *
 * Recovery runs in the background. Never throws and never blocks start-up: one segment at a
 * time, yielding to the event loop in between.
 *
 * - a torn tail of the newest segment (a write cut short by a crash) is cut at the last whole
 *   frame: not a loss, that append never completed. Anything else missing or unreadable is
 *   damage, counted `corrupt` by `assessDamage`: exactly, from the cursor's manifest; as a
 *   flagged lower bound (`lossUnknown.corrupt`) without one;
 * - a frame with a bad checksum is skipped;
 * - an insane length makes the rest of the segment unreadable: it is copied to the quarantine
 *   folder and cut off the segment;
 * - the corrupt frames counted here are settled in the cursor, like acked ones, and the next
 *   cursor's manifest holds only what is left, so the next process does not count them again;
 * - a segment with a foreign header is moved to the quarantine folder whole; an empty one is deleted.
 *
 * Adoption: data left in a sibling directory (the root, or a `proc-*` sub-directory) whose
 * writer is gone is taken over by exactly one live process: it takes that directory's lock and
 * re-appends the unacknowledged frames into its own segments (keeping their id and time).
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
 * - a segment with a foreign header, and an unreadable rest, are quarantined as in recovery;
 *   each is counted once, after it is out of the way.
 *
 * What remains: a crash between the sync of a chunk and the rewrite of the source cursor (or
 * the deletion of the segment) leaves that chunk (at most CHECKPOINT_FRAMES batches) to be
 * adopted again; if the crashed process had already delivered those copies, they are sent twice
 * (same batch id). Duplicates, never loss.
 */
import { basename, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { errorCode, truncateFile } from './disk.js';
import {
  FRAMES_PER_SEGMENT,
  readFrame,
  type SegmentFile,
  type SegmentScan,
  scanSegmentBytes,
  segmentFiles,
} from './format.js';
import {
  type Cursor,
  readCursor,
  removeCursor,
  reportCorrupt,
  type Segment,
  SettledSeqs,
  type SpoolContext,
  writeCursor,
} from './ledger.js';
import { listSubdirs, tryLock } from './lock.js';
import { quarantineDamaged } from './quarantine.js';
import type { SegmentWriter } from './writer.js';

/** Frames copied between two checkpoints: bounds what a crash mid-adoption leaves to copy again. */
export const CHECKPOINT_FRAMES = 64;

/**
 * The data of earlier processes, for one spool: `recover` reads what an earlier process left in
 * our directory, `adopt` takes over the data of dead siblings. One per spool: an adoption pass
 * in progress makes later calls (the heartbeat's) a no-op for this spool only; another spool in
 * the same process adopts on its own.
 */
export class Recovery {
  readonly #spool: SpoolContext;
  readonly #writer: SegmentWriter;
  #adopting = false;
  /** Per source directory: ids copied into our spool whose source frame is not settled on disk yet. */
  readonly #unsettled = new Map<string, Set<string>>();

  constructor(spool: SpoolContext, writer: SegmentWriter) {
    this.#spool = spool;
    this.#writer = writer;
  }

  /** Reads the segments not scanned yet; resolves true when every one was read (false when the spool closed first). */
  async recover(cursor: Cursor): Promise<boolean> {
    const spool = this.#spool;
    const settled = new SettledSeqs(cursor);
    // The new cursor must not forget what the old one settled out of order: those frames are
    // still on disk while an older frame of their segment is open (it would replay them, or
    // count a corrupt one again, in the process after next).
    for (const seq of cursor.acked) if (seq >= cursor.ackedBelow) spool.index.markSettled(seq);
    const todo = spool.index.segments.filter((s) => !s.scanned);
    // Only the tail of the newest segment the earlier process left may be a torn write.
    const newest = todo.reduce((n, s) => Math.max(n, s.no), -1);
    let records = 0;
    for (const seg of todo) {
      await yieldToLoop();
      if (spool.closed) return false;
      records += await this.#recoverSegment(seg, settled, seg.no === newest);
    }
    if (records > 0)
      spool.diag.info('spool-recovered', `spool recovered ${records} records from an earlier process`);
    return true;
  }

  /** Reads one segment, counts its damage, indexes its unsettled frames; returns their records. */
  async #recoverSegment(seg: Segment, settled: SettledSeqs, newest: boolean): Promise<number> {
    const spool = this.#spool;
    const writer = this.#writer;
    const scan = await this.#readSegment(seg);
    if (!scan) return 0;
    seg.markScanned(scan.frames.length + scan.corrupt.length);
    const name = basename(seg.file);
    const damage = assessDamage(scan, seg.no, settled, newest);
    // Counted once: the cursor records the corrupt frames as settled, and its next manifest
    // holds only what is left.
    for (const seq of damage.seqs) spool.index.markSettled(seq);
    if (damage.what)
      reportCorrupt(spool, damage.records, `spool segment ${name}: ${damage.what}`, damage.unknown);
    if (scan.header !== 'ok') {
      if (scan.header === 'short') writer.unlink(seg.file);
      else quarantineDamaged(spool, spool.dir!, seg.file, scan, name, name);
      spool.index.removeSegment(seg);
      return 0;
    }
    let records = 0;
    for (const { seq, offset, length, id, count, ts } of scan.frames) {
      if (settled.has(seq)) continue;
      spool.index.addEntry(seg, { seq, offset, length, id, count, ts });
      records += count;
    }
    spool.accounting.recovered(records);
    this.#cutDamagedEnd(seg, scan, newest);
    if (seg.evictAfterScan) {
      // Evicted while we read it: now that its records are known, count and delete them.
      writer.dropScanned(seg, seg.evictAfterScan);
    } else if (seg.entries.length > 0 && seg.newestTs < spool.now() - spool.cfg.maxAgeMs) {
      writer.evict(seg, 'expired');
    } else writer.maybeDelete(seg);
    return records;
  }

  /** The segment's contents; undefined when there is nothing to recover from it now. */
  async #readSegment(seg: Segment): Promise<SegmentScan | undefined> {
    const spool = this.#spool;
    let scan: SegmentScan;
    try {
      scan = scanSegmentBytes(await spool.fs.promises.readFile(seg.file));
    } catch (err) {
      if (errorCode(err) === 'ENOENT') {
        spool.index.removeSegment(seg);
        // Evicted before it was read, then gone (its directory removed, or the file deleted):
        // out of the index, so `#dirRemoved` cannot count it; a loss of unknown size, said here.
        if (seg.evictAfterScan) {
          const name = basename(seg.file);
          reportCorrupt(
            spool,
            1,
            `spool: unread segment ${name} of an earlier process vanished before it was read`,
            1,
          );
        }
      } else {
        // Unreadable now (EIO, EACCES): leave it on disk for a later process; do not count it.
        spool.health.refused('recover', err);
        seg.markUnreadable();
      }
      return undefined;
    }
    // Out of the index and not evicted: the directory was removed while the file was read, and
    // the facade has counted the segment already; recovering it now would count it twice and
    // leave entries no lease or expiry can reach. An evicted one is recovered, then dropped.
    return spool.index.has(seg) || seg.evictAfterScan ? scan : undefined;
  }

  /** Quarantines an unreadable rest and cuts it off, and cuts a torn or damaged end. */
  #cutDamagedEnd(seg: Segment, scan: SegmentScan, newest: boolean): void {
    const spool = this.#spool;
    const name = basename(seg.file);
    if (
      scan.insaneAt !== undefined &&
      quarantineDamaged(spool, spool.dir!, seg.file, scan, name, name, { segment: name })
    )
      spool.index.cut(seg, scan.insaneAt);
    if (scan.tornAt === undefined || scan.tornAt >= scan.size) return;
    try {
      truncateFile(spool.fs, seg.file, scan.tornAt);
      spool.index.cut(seg, scan.tornAt);
      const what = newest ? 'an incomplete last write' : 'a damaged end';
      spool.diag.info('spool-torn', `spool cut ${what} (${scan.size - scan.tornAt} bytes) in ${name}`);
    } catch (err) {
      spool.health.refused('truncate', err);
    }
  }

  /** One adoption pass over the sibling directories; never throws (disk errors go to `health`). */
  async adopt(): Promise<void> {
    const spool = this.#spool;
    if (this.#adopting || spool.closed || !spool.dir) return;
    this.#adopting = true;
    try {
      const root = spool.cfg.dir;
      const candidates = [root, ...listSubdirs(spool.fs, root)].filter((d) => d !== spool.dir);
      for (const d of this.#unsettled.keys()) if (!candidates.includes(d)) this.#unsettled.delete(d);
      const seen = new Set<string>();
      for (const dir of candidates) {
        if (spool.closed) return;
        if (dir === root && segmentFiles(spool.fs, dir, []).length === 0) continue;
        const lock = tryLock(spool.fs, dir);
        if (!lock) continue;
        let done = false;
        const unsettled = this.#unsettled.get(dir) ?? new Set<string>();
        this.#unsettled.set(dir, unsettled);
        try {
          const settled = new SettledSeqs(readCursor(spool.fs, dir).cursor);
          const ownDir = spool.dir;
          done = await adoptDir({ spool, writer: this.#writer, dir, ownDir, settled, unsettled, seen });
        } finally {
          if (done) this.#unsettled.delete(dir);
          if (done && dir !== root) spool.fs.rmSync(dir, { recursive: true, force: true });
          else lock.release();
        }
      }
    } catch (err) {
      spool.health.refused('adopt', err);
    } finally {
      this.#adopting = false;
    }
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
  /** Ids copied in this pass, from any directory: not copied again. */
  readonly seen: Set<string>;
}

/** Returns true when every segment of `src.dir` was moved into ours. */
async function adoptDir(src: SourceDir): Promise<boolean> {
  const { spool, dir } = src;
  const files = segmentFiles(spool.fs, dir);
  let adopted = 0;
  let done = true;
  for (const [i, file] of files.entries()) {
    const seg = new SegmentAdoption(src, file, i === files.length - 1);
    done = !spool.closed && (await seg.run());
    adopted += seg.records;
    if (!done) break;
  }
  if (adopted > 0) spool.diag.info('spool-adopted', `spool adopted ${adopted} records from ${dir}`);
  if (done) removeCursor(spool.fs, dir);
  return done;
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

  constructor(src: SourceDir, { name, no }: SegmentFile, newest: boolean) {
    this.#src = src;
    this.#name = name;
    this.#file = join(src.dir, name);
    this.#segNo = no;
    this.#newest = newest;
  }

  /** Records copied into our spool so far. */
  get records(): number {
    return this.#records;
  }

  /** True when the segment is gone from the source (copied, quarantined, or empty). */
  async run(): Promise<boolean> {
    const { spool, settled, dir, ownDir } = this.#src;
    const scan = scanSegmentBytes(await spool.fs.promises.readFile(this.#file));
    const damage = assessDamage(scan, this.#segNo, settled, this.#newest);
    this.#damage = damage.what ? damage : undefined;
    const name = `${basename(dir)}-${this.#name}`;
    const where = `${this.#name} of ${dir}`;
    const note = { segment: this.#name, dir: basename(dir) };
    if (scan.header === 'bad')
      return quarantineDamaged(spool, ownDir, this.#file, scan, name, where, note) && this.#countDamage();
    if (scan.header === 'short') return this.#src.writer.unlink(this.#file, 'adopt') && this.#countDamage();
    if (scan.insaneAt !== undefined && !quarantineDamaged(spool, ownDir, this.#file, scan, name, where, note))
      return false;
    this.#settledNow.push(...damage.seqs);
    return this.#copyFrames(scan);
  }

  /** Copies the frames the source does not settle and we do not hold, checkpointing as it goes. */
  async #copyFrames(scan: SegmentScan): Promise<boolean> {
    const { spool, writer, settled, seen, unsettled } = this.#src;
    for (const f of scan.frames) {
      if (spool.closed) {
        // Closing: settle what was copied so far, so the next process does not copy it again.
        await this.#checkpoint(false);
        return false;
      }
      if (settled.has(f.seq)) continue;
      if (unsettled.has(f.id) || seen.has(f.id) || spool.index.holds(f.id)) {
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
      seen.add(f.id);
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
      if (!writer.unlink(this.#file, 'adopt')) return false;
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
        spool.health.refused('adopt', err);
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
}

// --- Damage assessment (recovery, adoption, inspect) ---------------------------------

/** What a damaged segment lost, as far as can be known. */
interface Damage {
  /**
   * Records lost. Exact when `unknown` is 0; otherwise a lower bound: each place of unknown
   * size adds its best guess (a corrupt frame's own count field, else 1).
   */
  records: number;
  /** Damaged places whose record count cannot be known (no manifest covers them). */
  unknown: number;
  /** Seqs of the corrupt frames counted now, for the caller to settle in its cursor. */
  seqs: number[];
  /** What was found, for the diagnostic line ('' when nothing). */
  what: string;
}

/**
 * Counts what a segment lost that no process has counted yet. Only the tail of the newest
 * segment may be a write cut short by a crash (never accepted, so no loss); anything else
 * missing or unreadable is damage. The cursor's manifest says how many unsettled records the
 * segment held: its records minus the readable ones is the exact loss, whatever the damage
 * (flipped bytes, a huge length, truncation, an emptied file, a broken header). Without a
 * manifest (a cursor of an older podlog, or one lost), corrupt frames count their own count
 * field and every other damaged place counts 1, flagged `unknown`.
 *
 * `settled` is the directory's cursor (what it settles, and its manifests); `newest`: this is
 * the newest segment of its directory, the only one whose tail may be an interrupted write.
 */
export function assessDamage(
  scan: SegmentScan,
  segNo: number,
  settled: SettledSeqs,
  newest: boolean,
): Damage {
  const base = segNo * FRAMES_PER_SEGMENT;
  const found: string[] = [];
  let records = 0;
  let unknown = 0;
  const seqs: number[] = [];
  // The manifest covers positions 0 .. end-1, unless the frames contradict the numbering.
  let m = scan.seqBase === 'mixed' ? undefined : settled.cursor.segments?.get(segNo);
  if (m) {
    let readable = 0;
    for (const f of scan.frames) if (f.seq - base < m.end && !settled.has(f.seq)) readable += f.count;
    if (readable > m.records) m = undefined;
    else records = m.records - readable;
  }
  const covered = m?.end ?? 0;
  // Frames may have been appended after the manifest was written: their loss is not known.
  const beyondUnknown = !m?.sealed;
  /** A damaged place the manifest does not size: unknown, and 1 record as a guess without a manifest. */
  const damagedPlace = (what: string) => {
    found.push(what);
    if (!beyondUnknown) return;
    unknown++;
    if (!m) records++;
  };
  if (scan.header !== 'ok') {
    const tornAtCreation = scan.header === 'short' && newest && (!m || m.end === 0);
    if (!tornAtCreation)
      damagedPlace(scan.header === 'bad' ? 'a foreign or damaged header' : 'an empty or cut header');
  } else {
    let corruptFrames = 0;
    for (const c of scan.corrupt) {
      const seq = base + c.position;
      const inManifest = c.position < covered;
      if (scan.seqBase !== 'mixed' && settled.has(seq)) continue;
      corruptFrames++;
      if (scan.seqBase !== 'mixed') seqs.push(seq);
      if (inManifest) continue;
      records += c.count;
      unknown++;
    }
    if (corruptFrames > 0) found.push(`${corruptFrames} corrupt frames`);
    const positions = scan.frames.length + scan.corrupt.length;
    if (scan.insaneAt !== undefined) damagedPlace(`an unreadable rest after byte ${scan.insaneAt}`);
    else if (!newest && (scan.tornAt !== undefined || (m && positions < m.end))) {
      // Not the newest segment: its end was written whole before the next segment began.
      damagedPlace(`a cut end (${positions} frames left${m ? ` of ${m.end}` : ''})`);
    } else if (m && positions < m.end) damagedPlace(`${m.end - positions} frames missing at the end`);
  }
  if (records === 0 && unknown === 0) return { records: 0, unknown: 0, seqs, what: '' };
  const size =
    unknown > 0 ? `at least ${records} records (${unknown} places of unknown size)` : `${records} records`;
  return { records, unknown, seqs, what: `${found.join(', ') || 'damage'}: ${size} lost` };
}
