/**
 * Reads one segment file and classifies everything in it. Read-only: recovery and
 * `podlog spool inspect` decide what to do with the result.
 */
import { checkSegmentHeader, FRAMES_PER_SEGMENT, type FrameInfo, scanSegment } from './format.js';
import type { SpoolFs } from './fs.js';

export interface SegmentScan {
  header: 'ok' | 'short' | 'bad';
  size: number;
  frames: FrameInfo[];
  /** Frames skipped for a bad checksum, and the records they most likely held. */
  corruptFrames: number;
  corruptRecords: number;
  /** Each corrupt frame: its place among the segment's frames (0 = first) and likely records. */
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

export async function scanSegmentFile(fs: SpoolFs, path: string): Promise<SegmentScan> {
  const bytes = await fs.promises.readFile(path);
  return scanSegmentBytes(bytes);
}

export function scanSegmentBytes(bytes: Uint8Array): SegmentScan {
  const scan: SegmentScan = {
    header: checkSegmentHeader(bytes),
    size: bytes.length,
    frames: [],
    corruptFrames: 0,
    corruptRecords: 0,
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
      scan.corruptFrames++;
      scan.corruptRecords += ev.count;
      scan.corrupt.push({ position, count: ev.count });
      position++;
    } else if (ev.kind === 'insane') scan.insaneAt = ev.offset;
    else scan.tornAt = ev.offset;
  }
  return scan;
}

/**
 * The corrupt frames of segment `segNo` no process has counted yet. A corrupt frame's own seq
 * cannot be trusted, but its position gives it: one that `settled` (the cursor) covers was
 * acknowledged, or found corrupt (on read or at recovery) and counted, by an earlier process,
 * and must not be counted again. `seqs` are the ones counted now, for the caller to record as
 * settled in its cursor. When the readable frames contradict the numbering, every corrupt frame
 * counts and none can be placed (`seqs` is empty).
 */
export function uncountedCorrupt(
  scan: SegmentScan,
  segNo: number,
  settled: (seq: number) => boolean,
): { frames: number; records: number; seqs: number[] } {
  if (scan.seqBase === 'mixed') return { frames: scan.corruptFrames, records: scan.corruptRecords, seqs: [] };
  const base = scan.seqBase ?? segNo * FRAMES_PER_SEGMENT;
  let frames = 0;
  let records = 0;
  const seqs: number[] = [];
  for (const c of scan.corrupt) {
    const seq = base + c.position;
    if (settled(seq)) continue;
    frames++;
    records += c.count;
    seqs.push(seq);
  }
  return { frames, records, seqs };
}
