/**
 * Background recovery of the segments an earlier process left in our directory. Never throws
 * and never blocks start-up: one segment at a time, yielding to the event loop in between.
 *
 * - a torn tail of the newest segment (a write cut short by a crash) is cut at the last whole
 *   frame: not a loss, that append never completed. Anything else missing or unreadable is
 *   damage, counted `corrupt` by `assessDamage` (scan-file.ts): exactly, from the cursor's
 *   manifest; as a flagged lower bound (`lossUnknown.corrupt`) without one;
 * - a frame with a bad checksum is skipped;
 * - an insane length makes the rest of the segment unreadable: it is copied to the quarantine
 *   folder and cut off the segment;
 * - the corrupt frames counted here are settled in the cursor, like acked ones, and the next
 *   cursor's manifest holds only what is left, so the next process does not count them again;
 * - a segment with a foreign header is moved to the quarantine folder whole; an empty one is deleted.
 */
import { basename } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type Cursor, SettledSeqs } from './cursor.js';
import { errorCode, truncateFile } from './fs.js';
import { moveToQuarantine, writeQuarantine } from './quarantine.js';
import { assessDamage, type SegmentScan, scanSegmentBytes } from './scan-file.js';
import type { SegmentWriter } from './segment-writer.js';
import { reportCorrupt, type SpoolContext } from './spool-context.js';
import type { SegmentState } from './spool-index.js';

/** Resolves true when every segment was read (false when the spool closed first). */
export async function recoverDir(
  spool: SpoolContext,
  writer: SegmentWriter,
  cursor: Cursor,
): Promise<boolean> {
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
    records += await recoverSegment(spool, writer, seg, settled, seg.no === newest);
  }
  if (records > 0)
    spool.diag.info('spool-recovered', `spool recovered ${records} records from an earlier process`);
  return true;
}

/** Reads one segment, counts its damage, indexes its unsettled frames; returns their records. */
async function recoverSegment(
  spool: SpoolContext,
  writer: SegmentWriter,
  seg: SegmentState,
  settled: SettledSeqs,
  newest: boolean,
): Promise<number> {
  const scan = await readSegment(spool, seg);
  if (!scan) return 0;
  seg.scanned = true;
  const name = basename(seg.file);
  const damage = assessDamage(scan, seg.no, settled, newest);
  // Counted once: the cursor records the corrupt frames as settled, and its next manifest
  // holds only what is left.
  for (const seq of damage.seqs) spool.index.markSettled(seq);
  if (damage.what)
    reportCorrupt(spool, damage.records, `spool segment ${name}: ${damage.what}`, damage.unknown);
  if (scan.header !== 'ok') {
    if (scan.header === 'short') writer.unlink(seg.file);
    else {
      try {
        moveToQuarantine(spool.fs, spool.dir!, seg.file, `foreign-${name}`);
        spool.diag.warn('spool-quarantine', `spool segment ${name} has a foreign header; quarantined`);
      } catch (err) {
        spool.diskError('quarantine', err);
      }
    }
    spool.index.removeSegment(seg);
    return 0;
  }
  seg.frames = scan.frames.length + scan.corrupt.length;
  let records = 0;
  for (const { seq, offset, length, id, count, ts } of scan.frames) {
    if (settled.has(seq)) continue;
    spool.index.addEntry(seg, { seq, offset, length, id, count, ts });
    records += count;
  }
  spool.accounting.recovered(records);
  cutDamagedEnd(spool, seg, scan, newest);
  if (seg.evictAfterScan) {
    // Evicted while we read it: now that its records are known, count and delete them.
    writer.dropScanned(seg, seg.evictAfterScan);
  } else if (seg.entries.length > 0 && seg.newestTs < spool.now() - spool.cfg.maxAgeMs) {
    writer.evict(seg, 'expired');
  } else writer.maybeDelete(seg);
  return records;
}

/** The segment's contents; undefined when there is nothing to recover from it now. */
async function readSegment(spool: SpoolContext, seg: SegmentState): Promise<SegmentScan | undefined> {
  let scan: SegmentScan;
  try {
    scan = scanSegmentBytes(await spool.fs.promises.readFile(seg.file));
  } catch (err) {
    if (errorCode(err) === 'ENOENT') spool.index.removeSegment(seg);
    else {
      // Unreadable now (EIO, EACCES): leave it on disk for a later process; do not count it.
      spool.diskError('recover', err);
      seg.scanned = true;
      seg.closed = true;
    }
    return undefined;
  }
  // The directory was removed while the file was read: the facade has taken the segment out of
  // the index and counted it already; recovering it now would count it twice and leave
  // entries no lease or expiry can reach.
  return spool.index.has(seg) ? scan : undefined;
}

/** Quarantines an unreadable rest and cuts it off, and cuts a torn or damaged end. */
function cutDamagedEnd(spool: SpoolContext, seg: SegmentState, scan: SegmentScan, newest: boolean): void {
  if (scan.insaneAt !== undefined) {
    const name = basename(seg.file);
    try {
      const note = { segment: name, offset: scan.insaneAt, bytes: scan.size - scan.insaneAt };
      writeQuarantine(
        spool.fs,
        spool.dir!,
        `corrupt-${name}-${scan.insaneAt}.bin`,
        scan.bytes.subarray(scan.insaneAt),
        note,
        spool.cfg.quarantineMaxBytes,
      );
      // Moved aside and counted: cut it off, or every later process counts it again while an
      // older frame of this segment is open. (On a disk error it stays, for a later attempt.)
      cutTail(spool, seg, scan.insaneAt, scan.size, 'an unreadable rest');
    } catch (err) {
      spool.diskError('quarantine', err);
    }
  }
  if (scan.tornAt !== undefined && scan.tornAt < scan.size)
    cutTail(spool, seg, scan.tornAt, scan.size, newest ? 'an incomplete last write' : 'a damaged end');
}

function cutTail(spool: SpoolContext, seg: SegmentState, at: number, size: number, what: string): void {
  try {
    truncateFile(spool.fs, seg.file, at);
    spool.index.cut(seg, at);
    spool.diag.info('spool-torn', `spool cut ${what} (${size - at} bytes) in ${basename(seg.file)}`);
  } catch (err) {
    spool.diskError('truncate', err);
  }
}
