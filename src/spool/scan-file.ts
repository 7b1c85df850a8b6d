/**
 * Reads one segment file and classifies everything in it. Read-only: recovery and
 * `podlog spool inspect` decide what to do with the result.
 */
import type { SettledSeqs } from './cursor.js';
import {
  checkSegmentHeader,
  FRAMES_PER_SEGMENT,
  type FrameInfo,
  parseSegmentFileName,
  scanSegment,
} from './format.js';
import type { SpoolFs } from './fs.js';

export interface SegmentScan {
  header: 'ok' | 'short' | 'bad';
  size: number;
  frames: FrameInfo[];
  /** Each frame skipped for a bad checksum: its place among the segment's frames (0 = first) and likely records. */
  corrupt: Array<{ position: number; count: number }>;
  /**
   * `seq - position` of the readable frames: one number when they all agree (the writer numbers
   * frame k of segment n as `n * FRAMES_PER_SEGMENT + k`), 'mixed' when they do not.
   */
  seqBase?: number | 'mixed';
  /** Offset from which nothing can be trusted (insane length), if any. */
  insaneAt?: number;
  /** Offset of an incomplete last frame, if any. */
  tornAt?: number;
  /** The file's bytes, for quarantining an unreadable rest. */
  bytes: Uint8Array;
}

/** The segment files of `dir`, oldest first. Throws when the directory cannot be read. */
export function segmentNames(fs: SpoolFs, dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => parseSegmentFileName(n) !== undefined)
    .sort();
}

export function scanSegmentBytes(bytes: Uint8Array): SegmentScan {
  const scan: SegmentScan = {
    header: checkSegmentHeader(bytes),
    size: bytes.length,
    frames: [],
    corrupt: [],
    bytes,
  };
  if (scan.header !== 'ok') return scan;
  let position = 0;
  for (const ev of scanSegment(bytes)) {
    if (ev.kind === 'frame') {
      scan.frames.push(ev.frame);
      const base = ev.frame.seq - position;
      scan.seqBase = scan.seqBase === undefined || scan.seqBase === base ? base : 'mixed';
      position++;
    } else if (ev.kind === 'corrupt') {
      scan.corrupt.push({ position, count: ev.count });
      position++;
    } else if (ev.kind === 'insane') scan.insaneAt = ev.offset;
    else scan.tornAt = ev.offset;
  }
  return scan;
}

/** What a damaged segment lost, as far as can be known. */
export interface Damage {
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
