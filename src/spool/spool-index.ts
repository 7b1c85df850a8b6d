/**
 * The in-memory index of what is on disk: segments in order and, per segment, its frames
 * (position, id, count, time), never the bodies. Pure bookkeeping, no I/O, so the accounting
 * rules live in one place:
 *
 * - an entry is `live` (waiting), `leased` (handed out by `next()`), or `done` (acked/evicted);
 * - an evicted leased entry becomes an orphan: the caller still holds it, and its fate
 *   (ack → exported by the batch stage; release → reported lost) is settled later.
 */
import type { Cursor, SegmentManifest } from './cursor.js';
import type { SpoolLossReason, SpoolPending } from './types.js';

export interface Entry {
  readonly seq: number;
  readonly seg: SegmentState;
  readonly offset: number;
  readonly length: number;
  readonly id: string;
  readonly count: number;
  readonly ts: number;
  state: 'live' | 'leased' | 'done';
}

/** One segment's bookkeeping. Its sizes change through the index (`grow`, `cut`), which keeps the total. */
export interface SegmentState {
  readonly no: number;
  readonly file: string;
  /** File size on disk. */
  bytes: number;
  /**
   * Frame positions the segment holds (readable, corrupt or settled): frame k has seq
   * `no * FRAMES_PER_SEGMENT + k`. Written to the cursor's manifest.
   */
  frames: number;
  readonly entries: Entry[];
  /** Index of the first entry that may still be live (entries before it are done). */
  head: number;
  /** Entries not done (live + leased). */
  open: number;
  /** Records of the entries not done: the cursor manifest's `records`, kept as entries change. */
  openRecords: number;
  newestTs: number;
  readonly createdAt: number;
  /** No more appends (rotated, or written by an earlier process). */
  closed: boolean;
  /** False while recovery has not read it yet: its entries are unknown. */
  scanned: boolean;
  /** Evicted before recovery read it: recovery counts its records under this reason, then deletes it. */
  evictAfterScan?: SpoolLossReason;
}

/** A segment's bookkeeping before any entry is known. */
export function newSegment(
  no: number,
  file: string,
  bytes: number,
  closed: boolean,
  scanned: boolean,
  createdAt: number,
): SegmentState {
  return {
    no,
    file,
    bytes,
    frames: 0,
    entries: [],
    head: 0,
    open: 0,
    openRecords: 0,
    newestTs: 0,
    createdAt,
    closed,
    scanned,
  };
}

/** A leased entry whose segment was evicted, with the reason it is reported under if released. */
export interface Orphan {
  readonly entry: Entry;
  readonly reason: SpoolLossReason;
}

export class SpoolIndex {
  readonly #segments: SegmentState[] = [];
  readonly #leased = new Map<string, Entry>();
  readonly #orphans = new Map<string, Orphan>();
  /** Settled seqs above the first open entry (the cursor's out-of-order part). */
  readonly #settledAhead = new Set<number>();
  readonly #pending: SpoolPending = { batches: 0, records: 0, bytes: 0 };
  #totalBytes = 0;

  /** The segments, oldest first. */
  get segments(): readonly SegmentState[] {
    return this.#segments;
  }

  /** Bytes of every indexed segment file: what counts against `spool.maxBytes`. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** A copy of what waits for replay. */
  get pending(): SpoolPending {
    return { ...this.#pending };
  }

  has(seg: SegmentState): boolean {
    return this.#segments.includes(seg);
  }

  addSegment(seg: SegmentState): void {
    const i = this.#segments.findIndex((s) => s.no > seg.no);
    if (i < 0) this.#segments.push(seg);
    else this.#segments.splice(i, 0, seg);
    this.#totalBytes += seg.bytes;
  }

  removeSegment(seg: SegmentState): void {
    const i = this.#segments.indexOf(seg);
    if (i >= 0) {
      this.#segments.splice(i, 1);
      this.#totalBytes -= seg.bytes;
    }
  }

  /** The segment's file is now `at` bytes long (a tail cut off). */
  cut(seg: SegmentState, at: number): void {
    if (this.has(seg)) this.#totalBytes -= seg.bytes - at;
    seg.bytes = at;
  }

  /** Appends an entry for a frame written at the segment's end (`grow`) or found by recovery. */
  addEntry(seg: SegmentState, e: Omit<Entry, 'seg' | 'state'>): Entry {
    const entry: Entry = { ...e, seg, state: 'live' };
    seg.entries.push(entry);
    seg.open++;
    seg.openRecords += e.count;
    if (e.ts > seg.newestTs) seg.newestTs = e.ts;
    this.#pending.batches++;
    this.#pending.records += e.count;
    this.#pending.bytes += e.length;
    return entry;
  }

  /** A frame of `length` bytes was appended to `seg`: one more position, a longer file. */
  grow(seg: SegmentState, length: number): void {
    seg.bytes += length;
    seg.frames++;
    this.#totalBytes += length;
  }

  /** The oldest live entry whose id is not leased, or undefined. */
  firstAvailable(): Entry | undefined {
    for (const seg of this.#segments) {
      if (!seg.scanned || seg.open === 0) continue;
      const entries = seg.entries;
      for (let i = skipDone(seg); i < entries.length; i++) {
        const e = entries[i];
        if (e.state === 'live' && !this.#leased.has(e.id)) return e;
      }
    }
    return undefined;
  }

  lease(e: Entry): void {
    e.state = 'leased';
    this.#leased.set(e.id, e);
  }

  leasedEntry(id: string): Entry | undefined {
    return this.#leased.get(id);
  }

  release(e: Entry): void {
    if (e.state === 'leased') e.state = 'live';
    this.#leased.delete(e.id);
  }

  /** Takes the orphan leased as `id` (only if it is `entry`, when given): its fate is now the caller's. */
  takeOrphan(id: string, entry?: Entry): Orphan | undefined {
    const o = this.#orphans.get(id);
    if (!o || (entry !== undefined && o.entry !== entry)) return undefined;
    this.#orphans.delete(id);
    return o;
  }

  /** Marks an entry done (acked, quarantined, corrupt on read, or retracted). */
  settle(e: Entry): void {
    if (e.state === 'done') return;
    if (e.state === 'leased') this.#leased.delete(e.id);
    e.state = 'done';
    e.seg.open--;
    e.seg.openRecords -= e.count;
    this.#pending.batches--;
    this.#pending.records -= e.count;
    this.#pending.bytes -= e.length;
    this.#settledAhead.add(e.seq);
  }

  /**
   * A seq settled with no entry in this index: acknowledged out of order by an earlier process,
   * or a corrupt frame counted at recovery. The cursor keeps it, so that neither is handed out
   * nor counted again by the next process (the file is still there while an older frame of
   * its segment is open).
   */
  markSettled(seq: number): void {
    this.#settledAhead.add(seq);
  }

  /**
   * Drops a whole segment from the index. Returns the records of its live entries (the
   * caller reports them); leased ones become orphans.
   */
  evict(seg: SegmentState, reason: SpoolLossReason): number {
    let records = 0;
    for (const e of seg.entries) {
      if (e.state === 'done') continue;
      if (e.state === 'live') records += e.count;
      else this.#orphans.set(e.id, { entry: e, reason });
      this.settle(e);
    }
    this.removeSegment(seg);
    return records;
  }

  /** Ids of the batches this index holds and has not settled. */
  openIds(): Set<string> {
    const ids = new Set<string>();
    for (const seg of this.#segments) for (const e of seg.entries) if (e.state !== 'done') ids.add(e.id);
    return ids;
  }

  /**
   * The cursor to persist, with the manifest of every segment (frames written, records not
   * settled, sealed or not). Only meaningful once every segment is scanned. Proportional to the
   * segments and the out-of-order settled seqs, not to the entries: the first open entry is
   * found from each segment's `head` (which only moves forward), and the open records are kept
   * per segment.
   */
  cursor(nextSeq: number): Required<Cursor> {
    let ackedBelow = nextSeq;
    for (const seg of this.#segments) {
      if (seg.open === 0) continue;
      const head = skipDone(seg);
      if (head < seg.entries.length) {
        ackedBelow = seg.entries[head].seq;
        break;
      }
    }
    for (const s of this.#settledAhead) if (s < ackedBelow) this.#settledAhead.delete(s);
    const segments = new Map<number, SegmentManifest>();
    for (const seg of this.#segments) {
      if (seg.scanned)
        segments.set(seg.no, { end: seg.frames, records: seg.openRecords, sealed: seg.closed });
    }
    return { ackedBelow, acked: [...this.#settledAhead].sort((a, b) => a - b), segments };
  }
}

/** Moves the segment's `head` past the entries that are done; returns it. */
function skipDone(seg: SegmentState): number {
  while (seg.head < seg.entries.length && seg.entries[seg.head].state === 'done') seg.head++;
  return seg.head;
}
