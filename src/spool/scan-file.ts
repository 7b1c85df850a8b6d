/**
 * Reads one segment file and classifies everything in it. Read-only: recovery and
 * `podlog spool inspect` decide what to do with the result.
 */
import { checkSegmentHeader, type FrameInfo, scanSegment } from './format.js';
import type { SpoolFs } from './fs.js';

export interface SegmentScan {
  header: 'ok' | 'short' | 'bad';
  size: number;
  frames: FrameInfo[];
  /** Frames skipped for a bad checksum, and the records they most likely held. */
  corruptFrames: number;
  corruptRecords: number;
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
    bytes,
  };
  if (scan.header !== 'ok') return scan;
  for (const ev of scanSegment(bytes)) {
    if (ev.kind === 'frame') scan.frames.push(ev.frame);
    else if (ev.kind === 'corrupt') {
      scan.corruptFrames++;
      scan.corruptRecords += ev.count;
    } else if (ev.kind === 'insane') scan.insaneAt = ev.offset;
    else scan.tornAt = ev.offset;
  }
  return scan;
}
