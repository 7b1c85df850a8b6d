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
import { basename, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type Cursor, isAcked } from './cursor.js';
import { errorCode } from './fs.js';
import { quarantineDir, writeQuarantine } from './quarantine.js';
import { assessDamage, scanSegmentFile } from './scan-file.js';
import type { SegmentReaper } from './segment-reaper.js';
import { countRecoveredCorrupt, type SpoolContext } from './spool-context.js';
import type { SegmentState } from './spool-index.js';

/** Resolves true when every segment was read (false when the spool closed first). */
export async function recoverDir(
  spool: SpoolContext,
  reaper: SegmentReaper,
  cursor: Cursor,
): Promise<boolean> {
  const acked = new Set(cursor.acked);
  // The new cursor must not forget what the old one settled out of order: those frames are
  // still on disk while an older frame of their segment is open (it would replay them, or
  // count a corrupt one again, in the process after next).
  for (const seq of acked) if (seq >= cursor.ackedBelow) spool.index.markSettled(seq);
  const todo = spool.index.segments.filter((s) => !s.scanned);
  // Only the tail of the newest segment the earlier process left may be a torn write.
  const newest = todo.reduce((n, s) => Math.max(n, s.no), -1);
  let records = 0;
  for (const seg of todo) {
    await yieldToLoop();
    if (spool.closed) return false;
    records += await recoverSegment(spool, reaper, seg, cursor, acked, seg.no === newest);
  }
  if (records > 0)
    spool.diag.info('spool-recovered', `spool recovered ${records} records from an earlier process`);
  return true;
}

async function recoverSegment(
  spool: SpoolContext,
  reaper: SegmentReaper,
  seg: SegmentState,
  cursor: Cursor,
  acked: ReadonlySet<number>,
  newest: boolean,
): Promise<number> {
  const { fs, counters } = spool;
  let scan: Awaited<ReturnType<typeof scanSegmentFile>>;
  try {
    scan = await scanSegmentFile(fs, seg.file);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') spool.index.removeSegment(seg);
    else {
      // Unreadable now (EIO, EACCES): leave it on disk for a later process; do not count it.
      spool.diskError('recover', err);
      seg.scanned = true;
      seg.closed = true;
    }
    return 0;
  }
  // The directory was removed while the file was read: dirRemoved() has taken the segment out of
  // the index and counted it already; recovering it now would count it twice and leave
  // entries no lease or expiry can reach.
  if (!spool.index.segments.includes(seg)) return 0;
  seg.scanned = true;
  const name = basename(seg.file);
  const damage = assessDamage(scan, {
    segNo: seg.no,
    settled: (seq) => isAcked(cursor, acked, seq),
    manifest: cursor.segments?.get(seg.no),
    newest,
  });
  // Counted once: the cursor records the corrupt frames as settled, and its next manifest
  // holds only what is left.
  for (const seq of damage.seqs) spool.index.markSettled(seq);
  if (damage.what)
    countRecoveredCorrupt(spool, damage.records, `spool segment ${name}: ${damage.what}`, damage.unknown);
  if (scan.header !== 'ok') {
    if (scan.header === 'bad') {
      try {
        fs.mkdirSync(quarantineDir(spool.dir!), { recursive: true, mode: 0o700 });
        fs.renameSync(seg.file, join(quarantineDir(spool.dir!), `foreign-${name}`));
        spool.diag.warn('spool-quarantine', `spool segment ${name} has a foreign header; quarantined`);
      } catch (err) {
        spool.diskError('quarantine', err);
      }
    } else reaper.unlink(seg.file);
    spool.index.removeSegment(seg);
    return 0;
  }
  seg.frames = scan.frames.length + scan.corrupt.length;
  let records = 0;
  for (const f of scan.frames) {
    if (isAcked(cursor, acked, f.seq)) continue;
    spool.index.addEntry(seg, {
      seq: f.seq,
      offset: f.offset,
      length: f.length,
      id: f.id,
      count: f.count,
      ts: f.ts,
    });
    records += f.count;
  }
  counters.recovered += records;
  counters.spooled += records;
  if (scan.insaneAt !== undefined) {
    try {
      const qname = `corrupt-${name}-${scan.insaneAt}.bin`;
      const note = { segment: name, offset: scan.insaneAt, bytes: scan.size - scan.insaneAt };
      writeQuarantine(
        fs,
        spool.dir!,
        qname,
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
  if (seg.evictAfterScan) {
    // Evicted while we read it: now that its records are known, count and delete them.
    reaper.dropScanned(seg, seg.evictAfterScan);
    return records;
  }
  if (seg.entries.length > 0 && seg.newestTs < spool.now() - spool.cfg.maxAgeMs)
    reaper.evictSegment(seg, 'expired');
  else reaper.maybeDelete(seg);
  return records;
}

function cutTail(spool: SpoolContext, seg: SegmentState, at: number, size: number, what: string): void {
  try {
    const fd = spool.fs.openSync(seg.file, 'r+');
    try {
      spool.fs.ftruncateSync(fd, at);
    } finally {
      spool.fs.closeSync(fd);
    }
    if (spool.index.segments.includes(seg)) spool.index.totalBytes -= size - at;
    seg.bytes = at;
    spool.diag.info('spool-torn', `spool cut ${what} (${size - at} bytes) in ${basename(seg.file)}`);
  } catch (err) {
    spool.diskError('truncate', err);
  }
}
