/**
 * The consumption cursor: which frames were acknowledged. Written atomically (temp, fsync,
 * rename) and checksummed, so a reader sees the old cursor or the new one, never half of one.
 * A missing or garbage cursor means "nothing acknowledged": replay restarts from the oldest
 * segment (duplicates, never loss).
 */
import { join } from 'node:path';
import { crc32c } from './crc32c.js';
import { errorCode, type SpoolFs, writeFileAtomic, writeFileAtomicSync } from './fs.js';

export const CURSOR_FILE = 'cursor';

export interface Cursor {
  /** Every frame with a lower sequence number was acknowledged. */
  ackedBelow: number;
  /** Frames at or above `ackedBelow` acknowledged out of order. */
  acked: number[];
  /**
   * What each segment on disk held when this cursor was written (absent in cursors of podlog
   * before 0.2, which readers treat as "unknown"). Lets recovery count exactly the records a
   * damaged, truncated or emptied segment lost. Keyed by segment number.
   */
  segments?: ReadonlyMap<number, SegmentManifest>;
}

/**
 * One segment, as the writing process knew it when it wrote the cursor: consistent with the
 * cursor's settled seqs, since both are one snapshot.
 */
export interface SegmentManifest {
  /** Frames written to the segment (positions 0 .. end-1; frame k has seq `no * FRAMES_PER_SEGMENT + k`). */
  end: number;
  /** Records of its frames this cursor does not settle. */
  records: number;
  /** No frame was appended after this (the segment was closed for appends): nothing lies beyond `end`. */
  sealed: boolean;
}

const EMPTY_CURSOR: Cursor = { ackedBelow: 0, acked: [] };

export function encodeCursor(c: Cursor): string {
  // `segs` is an addition within version 1: older readers ignore it, and a cursor without it
  // still reads (as "unknown").
  const segs = c.segments
    ? [...c.segments].map(([no, m]) => [no, m.end, m.records, m.sealed ? 1 : 0])
    : undefined;
  const body = JSON.stringify({ v: 1, ackedBelow: c.ackedBelow, acked: c.acked, segs });
  return `${body}\n${crc32c(Buffer.from(body))}\n`;
}

/** Parses a cursor file; undefined for anything that is not a whole, intact cursor. */
export function decodeCursor(text: string): Cursor | undefined {
  const lines = text.split('\n');
  if (lines.length < 2) return undefined;
  const [body, crc] = lines;
  if (String(crc32c(Buffer.from(body))) !== crc) return undefined;
  try {
    const o = JSON.parse(body) as { v?: unknown; ackedBelow?: unknown; acked?: unknown; segs?: unknown };
    if (o.v !== 1 || !Number.isSafeInteger(o.ackedBelow) || (o.ackedBelow as number) < 0) return undefined;
    if (!Array.isArray(o.acked) || !o.acked.every(isCount)) return undefined;
    const cursor: Cursor = { ackedBelow: o.ackedBelow as number, acked: o.acked as number[] };
    if (Array.isArray(o.segs)) {
      const segments = new Map<number, SegmentManifest>();
      for (const s of o.segs) {
        if (!Array.isArray(s) || s.length !== 4 || !s.every(isCount)) return undefined;
        segments.set(s[0], { end: s[1], records: s[2], sealed: s[3] === 1 });
      }
      cursor.segments = segments;
    }
    return cursor;
  } catch {
    return undefined;
  }
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

export type CursorRead = { cursor: Cursor; state: 'ok' | 'missing' | 'garbage' };

export function readCursor(fs: SpoolFs, dir: string): CursorRead {
  let text: string;
  try {
    text = fs.readFileSync(join(dir, CURSOR_FILE), 'utf8');
  } catch (err) {
    return { cursor: EMPTY_CURSOR, state: errorCode(err) === 'ENOENT' ? 'missing' : 'garbage' };
  }
  const cursor = decodeCursor(text);
  return cursor ? { cursor, state: 'ok' } : { cursor: EMPTY_CURSOR, state: 'garbage' };
}

/** The seqs a cursor settles (acknowledged, or counted corrupt), for lookups. */
export class SettledSeqs {
  readonly cursor: Cursor;
  readonly #ahead: ReadonlySet<number>;

  constructor(cursor: Cursor) {
    this.cursor = cursor;
    this.#ahead = new Set(cursor.acked);
  }

  has(seq: number): boolean {
    return seq < this.cursor.ackedBelow || this.#ahead.has(seq);
  }
}

export function writeCursorSync(fs: SpoolFs, dir: string, cursor: Cursor, sync: boolean): void {
  writeFileAtomicSync(fs, dir, join(dir, CURSOR_FILE), encodeCursor(cursor), sync);
}

export function writeCursor(fs: SpoolFs, dir: string, cursor: Cursor, sync: boolean): Promise<void> {
  return writeFileAtomic(fs, dir, join(dir, CURSOR_FILE), encodeCursor(cursor), sync);
}
