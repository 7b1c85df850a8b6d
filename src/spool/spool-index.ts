/**
 * The in-memory index of what is on disk: segments in order and, per segment, its frames
 * (position, id, count, time), never the bodies. Pure bookkeeping, no I/O, so the accounting
 * rules live in one place:
 *
 * - an entry is `live` (waiting), `leased` (handed out by `next()`), or `done` (acked/evicted);
 * - an evicted leased entry becomes an orphan: the caller still holds it, and its fate
 *   (ack → exported by the batch stage; release → counted dropped here) is settled later.
 */
import type { DropReason } from '../stats.js';
import type { Cursor, SegmentManifest } from './cursor.js';

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
  newestTs: number;
  readonly createdAt: number;
  /** No more appends (rotated, or written by an earlier process). */
  closed: boolean;
  /** False while recovery has not read it yet: its entries are unknown. */
  scanned: boolean;
  /** Evicted before recovery read it: recovery counts its records under this reason, then deletes it. */
  evictAfterScan?: DropReason;
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
    newestTs: 0,
    createdAt,
    closed,
    scanned,
  };
}

export interface Pending {
  batches: number;
  records: number;
  bytes: number;
}

export class SpoolIndex {
  readonly segments: SegmentState[] = [];
  readonly leased = new Map<string, Entry>();
  /** Leased entries whose segment was evicted, with the reason they will be counted under if released. */
  readonly orphans = new Map<string, { entry: Entry; reason: DropReason }>();
  /** Acked seqs above the first open entry (the cursor's out-of-order part). */
  readonly ackedAhead = new Set<number>();
  readonly pending: Pending = { batches: 0, records: 0, bytes: 0 };
  totalBytes = 0;

  addSegment(seg: SegmentState): void {
    const i = this.segments.findIndex((s) => s.no > seg.no);
    if (i < 0) this.segments.push(seg);
    else this.segments.splice(i, 0, seg);
    this.totalBytes += seg.bytes;
  }

  removeSegment(seg: SegmentState): void {
    const i = this.segments.indexOf(seg);
    if (i >= 0) {
      this.segments.splice(i, 1);
      this.totalBytes -= seg.bytes;
    }
  }

  addEntry(seg: SegmentState, e: Omit<Entry, 'seg' | 'state'>): Entry {
    const entry: Entry = { ...e, seg, state: 'live' };
    seg.entries.push(entry);
    seg.open++;
    if (e.ts > seg.newestTs) seg.newestTs = e.ts;
    this.pending.batches++;
    this.pending.records += e.count;
    this.pending.bytes += e.length;
    return entry;
  }

  /** The oldest live entry whose id is not leased, or undefined. */
  firstAvailable(): Entry | undefined {
    for (const seg of this.segments) {
      if (!seg.scanned || seg.open === 0) continue;
      const entries = seg.entries;
      while (seg.head < entries.length && entries[seg.head].state === 'done') seg.head++;
      for (let i = seg.head; i < entries.length; i++) {
        const e = entries[i];
        if (e.state === 'live' && !this.leased.has(e.id)) return e;
      }
    }
    return undefined;
  }

  lease(e: Entry): void {
    e.state = 'leased';
    this.leased.set(e.id, e);
  }

  release(e: Entry): void {
    if (e.state === 'leased') e.state = 'live';
    this.leased.delete(e.id);
  }

  /** Marks an entry done (acked, quarantined, corrupt on read, or retracted). */
  settle(e: Entry): void {
    if (e.state === 'done') return;
    if (e.state === 'leased') this.leased.delete(e.id);
    e.state = 'done';
    e.seg.open--;
    this.pending.batches--;
    this.pending.records -= e.count;
    this.pending.bytes -= e.length;
    this.ackedAhead.add(e.seq);
  }

  /**
   * A seq settled with no entry in this index: acknowledged out of order by an earlier process,
   * or a corrupt frame counted at recovery. The cursor keeps it, so that neither is handed out
   * nor counted again by the next process (the file is still there while an older frame of
   * its segment is open).
   */
  markSettled(seq: number): void {
    this.ackedAhead.add(seq);
  }

  /**
   * Drops a whole segment from the index. Returns the records of its live entries (the
   * caller counts them); leased ones become orphans.
   */
  evict(seg: SegmentState, reason: DropReason): number {
    let records = 0;
    for (const e of seg.entries) {
      if (e.state === 'done') continue;
      if (e.state === 'live') records += e.count;
      else this.orphans.set(e.id, { entry: e, reason });
      this.settle(e);
    }
    this.removeSegment(seg);
    return records;
  }

  /**
   * The cursor to persist, with the manifest of every segment (frames written, records not
   * settled, sealed or not). Only meaningful once every segment is scanned.
   */
  cursor(nextSeq: number): Required<Cursor> {
    let ackedBelow = nextSeq;
    for (const seg of this.segments) {
      if (seg.open === 0) continue;
      const entries = seg.entries;
      while (seg.head < entries.length && entries[seg.head].state === 'done') seg.head++;
      if (seg.head < entries.length) {
        ackedBelow = entries[seg.head].seq;
        break;
      }
    }
    for (const s of this.ackedAhead) if (s < ackedBelow) this.ackedAhead.delete(s);
    const segments = new Map<number, SegmentManifest>();
    for (const seg of this.segments) {
      if (!seg.scanned) continue;
      let records = 0;
      for (let i = seg.head; i < seg.entries.length; i++) {
        if (seg.entries[i].state !== 'done') records += seg.entries[i].count;
      }
      segments.set(seg.no, { end: seg.frames, records, sealed: seg.closed });
    }
    return { ackedBelow, acked: [...this.ackedAhead].sort((a, b) => a - b), segments };
  }
}
