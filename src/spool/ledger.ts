/**
 * The ledger: what is on disk and what was settled. In memory, the index of segments and, per
 * segment, its frames (position, id, count, time), never the bodies; on disk, the cursor of
 * what was settled, kept in step with the index. The index is pure bookkeeping, no I/O, so the
 * accounting rules live in one place:
 *
 * - an entry is `live` (waiting), `leased` (handed out by `next()`), or `done` (acked/evicted);
 * - an evicted leased entry becomes an orphan: the caller still holds it, and its fate
 *   (ack → exported by the batch stage; release → reported lost) is settled later.
 *
 * The cursor is written atomically (temp, fsync, rename) and checksummed, so a reader sees the
 * old cursor or the new one, never half of one. A missing or garbage cursor means "nothing
 * acknowledged": replay restarts from the oldest segment (duplicates, never loss).
 */
import { join } from 'node:path';
import type { Diag } from '../diag.js';
import {
  type DiskHealth,
  errorCode,
  removeQuietly,
  type SpoolFs,
  writeFileAtomic,
  writeFileAtomicSync,
} from './disk.js';
import { crc32c } from './format.js';
import type { SpoolConfig } from './options.js';
import type { SpoolAccounting, SpoolLossReason, SpoolPending } from './types.js';

/**
 * What the spool's parts (writer, cursor keeper, recovery, adoption) share: configuration, the
 * file system, the accounting, the index and the disk's health. They take this instead
 * of the `DiskSpool` facade, so none of them imports it back. Read-only: `dir` and `closed` are
 * the facade's state, seen through getters.
 */
export interface SpoolContext {
  readonly cfg: SpoolConfig;
  readonly fs: SpoolFs;
  readonly accounting: SpoolAccounting;
  readonly diag: Diag;
  readonly index: SpoolIndex;
  readonly now: () => number;
  /** Whether the disk takes writes; every refused disk operation is reported to it. */
  readonly health: DiskHealth;
  /** The directory this process writes (the root, or a `proc-*` sub-directory); undefined until the disk let us open it. */
  readonly dir: string | undefined;
  /** True once `close()` was called; background work stops when it sees it. */
  readonly closed: boolean;
}

/**
 * Reports records read back from disk that turned out unusable: recovered (they were counted
 * out of the process that wrote them) and dropped `corrupt` at once, so the accounting
 * invariant holds; one `spool-corrupt` warning says what was found.
 */
export function reportCorrupt(
  spool: Pick<SpoolContext, 'accounting' | 'diag'>,
  records: number,
  what: string,
  /** Damaged places of unknown size among them (see `StatsSnapshot.lossUnknown`). */
  unknown = 0,
): void {
  spool.accounting.foundCorrupt(records, unknown);
  spool.diag.warn('spool-corrupt', what);
}

// --- The cursor file -----------------------------------------------------------------------

const CURSOR_FILE = 'cursor';

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
interface SegmentManifest {
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
function decodeCursor(text: string): Cursor | undefined {
  const [body, crc] = text.split('\n');
  if (crc === undefined || String(crc32c(Buffer.from(body))) !== crc) return undefined;
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

export function readCursor(
  fs: SpoolFs,
  dir: string,
): { cursor: Cursor; state: 'ok' | 'missing' | 'garbage' } {
  let text: string;
  try {
    text = fs.readFileSync(join(dir, CURSOR_FILE), 'utf8');
  } catch (err) {
    return { cursor: EMPTY_CURSOR, state: errorCode(err) === 'ENOENT' ? 'missing' : 'garbage' };
  }
  const cursor = decodeCursor(text);
  return cursor ? { cursor, state: 'ok' } : { cursor: EMPTY_CURSOR, state: 'garbage' };
}

export function writeCursor(fs: SpoolFs, dir: string, cursor: Cursor, sync: boolean): Promise<void> {
  return writeFileAtomic(fs, dir, join(dir, CURSOR_FILE), encodeCursor(cursor), sync);
}

/** Deletes a directory's cursor (its data was adopted whole); none is fine. */
export function removeCursor(fs: SpoolFs, dir: string): void {
  removeQuietly(fs, join(dir, CURSOR_FILE));
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

/**
 * Keeps the on-disk cursor in step with the index: marked dirty on every ack/eviction, written
 * (one write at a time, atomically) on a timer or per ack under `always`, and once more,
 * synchronously, at close.
 */
export class CursorKeeper {
  readonly #ctx: SpoolContext;
  /** The writer's next seq: the cursor's upper bound when nothing is open. */
  readonly #nextSeq: () => number;
  /**
   * False until recovery has read every segment: before that the index does not know all seqs,
   * so writing a cursor would forget acks of an earlier process. The old cursor stays.
   */
  #complete = false;
  #dirty = false;
  #writing: Promise<void> | undefined;

  constructor(ctx: SpoolContext, nextSeq: () => number) {
    this.#ctx = ctx;
    this.#nextSeq = nextSeq;
  }

  /** Recovery indexed everything: the cursor may be written (and is, at the next flush). */
  markComplete(): void {
    this.#complete = true;
    this.#dirty = true;
  }

  get isComplete(): boolean {
    return this.#complete;
  }

  markDirty(): void {
    this.#dirty = true;
  }

  /**
   * Writes the cursor if it changed, one write at a time (they share the temp file). At close,
   * after the write in progress, the last one is written synchronously.
   */
  async flush(atClose = false): Promise<void> {
    // No await between the wait and the claim of `#writing`: two flushes started together (the
    // timer's, and recovery's after a re-open) would otherwise both pass the wait, and the
    // second rename fail with ENOENT.
    while (this.#writing) await this.#writing;
    const { fs, index, cfg, dir } = this.#ctx;
    if (!this.#complete || !this.#dirty || !dir) return;
    this.#dirty = false;
    const cursor = index.cursor(this.#nextSeq());
    const sync = cfg.durability !== 'none';
    if (atClose) {
      try {
        writeFileAtomicSync(fs, dir, join(dir, CURSOR_FILE), encodeCursor(cursor), sync);
      } catch (err) {
        this.#ctx.health.refused('cursor', err);
      }
      return;
    }
    const p = writeCursor(fs, dir, cursor, sync).catch((err) => {
      this.#dirty = true;
      // The directory was removed under the write (its temp file went with it): no refusal of
      // the disk, which would stop appends for retryMs even once the directory is back. The
      // spool notices the removal itself (a stat per append and per timer tick), and the
      // cursor, still dirty, is written again into the new directory.
      if (errorCode(err) === 'ENOENT') return;
      this.#ctx.health.refused('cursor', err);
    });
    this.#writing = p.finally(() => {
      this.#writing = undefined;
    });
    await this.#writing;
  }
}

// --- The index ----------------------------------------------------------------------------

export interface Entry {
  readonly seq: number;
  readonly seg: Segment;
  readonly offset: number;
  readonly length: number;
  readonly id: string;
  readonly count: number;
  readonly ts: number;
  state: 'live' | 'leased' | 'done';
}

/**
 * One segment's bookkeeping. Its entries and sizes change through the index (`addEntry`,
 * `grow`, `cut`, `settle`), which keeps the totals; its life (sealed, read, evicted unread)
 * through the methods below.
 */
export class Segment {
  readonly no: number;
  readonly file: string;
  readonly createdAt: number;
  readonly #entries: Entry[] = [];
  #bytes: number;
  #frames = 0;
  /** Index of the first entry that may still be live (entries before it are done). */
  #head = 0;
  #open = 0;
  #openRecords = 0;
  #newestTs = 0;
  #closed: boolean;
  #scanned: boolean;
  #evictAfterScan: SpoolLossReason | undefined;

  /**
   * A segment this process creates at `createdAt` (open for appends, nothing to read), or,
   * without `createdAt`, one an earlier process left (closed, its entries unknown until
   * recovery reads it).
   */
  constructor(no: number, file: string, bytes: number, createdAt?: number) {
    this.no = no;
    this.file = file;
    this.#bytes = bytes;
    this.createdAt = createdAt ?? 0;
    this.#closed = createdAt === undefined;
    this.#scanned = createdAt !== undefined;
  }

  /** File size on disk. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Frame positions the segment holds (readable, corrupt or settled): frame k has seq
   * `no * FRAMES_PER_SEGMENT + k`. Written to the cursor's manifest.
   */
  get frames(): number {
    return this.#frames;
  }

  get entries(): readonly Entry[] {
    return this.#entries;
  }

  /** Entries not done (live + leased). */
  get open(): number {
    return this.#open;
  }

  get newestTs(): number {
    return this.#newestTs;
  }

  /** No more appends (rotated, or written by an earlier process). */
  get closed(): boolean {
    return this.#closed;
  }

  /** False while recovery has not read it yet: its entries are unknown. */
  get scanned(): boolean {
    return this.#scanned;
  }

  /** Evicted before recovery read it: recovery counts its records under this reason, then deletes it. */
  get evictAfterScan(): SpoolLossReason | undefined {
    return this.#evictAfterScan;
  }

  seal(): void {
    this.#closed = true;
  }

  /** Recovery read it: it holds `frames` positions (its readable ones are added as entries). */
  markScanned(frames: number): void {
    this.#scanned = true;
    this.#frames = frames;
  }

  /** Recovery cannot read it now: it stays on disk, for a later process; never appended to. */
  markUnreadable(): void {
    this.#scanned = true;
    this.#closed = true;
  }

  markEvictAfterScan(reason: SpoolLossReason): void {
    this.#evictAfterScan = reason;
  }

  /** Records of the entries not done: the cursor manifest's `records`. */
  manifest(): SegmentManifest {
    return { end: this.#frames, records: this.#openRecords, sealed: this.#closed };
  }

  /** Moves `head` past the entries that are done; returns the first entry that may be open. */
  firstOpen(): number {
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head].state === 'done') this.#head++;
    return this.#head;
  }

  /** For the index: an entry was added (`live`). */
  added(e: Entry): void {
    this.#entries.push(e);
    this.#open++;
    this.#openRecords += e.count;
    if (e.ts > this.#newestTs) this.#newestTs = e.ts;
  }

  /** For the index: an entry is done. */
  settled(e: Entry): void {
    this.#open--;
    this.#openRecords -= e.count;
  }

  /** For the index: the file is now `bytes` long, holding `frames` positions. */
  resized(bytes: number, frames = this.#frames): void {
    this.#bytes = bytes;
    this.#frames = frames;
  }
}

/** A leased entry whose segment was evicted, with the reason it is reported under if released. */
interface Orphan {
  readonly entry: Entry;
  readonly reason: SpoolLossReason;
}

export class SpoolIndex {
  readonly #segments: Segment[] = [];
  readonly #leased = new Map<string, Entry>();
  readonly #orphans = new Map<string, Orphan>();
  /** Settled seqs above the first open entry (the cursor's out-of-order part). */
  readonly #settledAhead = new Set<number>();
  readonly #pending: SpoolPending = { batches: 0, records: 0, bytes: 0 };
  /** Per batch id, its entries not settled yet (more than one: the copies a crashed adopter left). */
  readonly #open = new Map<string, number>();
  #totalBytes = 0;

  /** The segments, oldest first. */
  get segments(): readonly Segment[] {
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

  has(seg: Segment): boolean {
    return this.#segments.includes(seg);
  }

  addSegment(seg: Segment): void {
    const i = this.#segments.findIndex((s) => s.no > seg.no);
    if (i < 0) this.#segments.push(seg);
    else this.#segments.splice(i, 0, seg);
    this.#totalBytes += seg.bytes;
  }

  removeSegment(seg: Segment): void {
    const i = this.#segments.indexOf(seg);
    if (i >= 0) {
      this.#segments.splice(i, 1);
      this.#totalBytes -= seg.bytes;
    }
  }

  /** The segment's file is now `at` bytes long (a tail cut off). */
  cut(seg: Segment, at: number): void {
    if (this.has(seg)) this.#totalBytes -= seg.bytes - at;
    seg.resized(at);
  }

  /** Appends an entry for a frame written at the segment's end (`grow`) or found by recovery. */
  addEntry(seg: Segment, e: Omit<Entry, 'seg' | 'state'>): Entry {
    const entry: Entry = { ...e, seg, state: 'live' };
    seg.added(entry);
    this.#open.set(e.id, (this.#open.get(e.id) ?? 0) + 1);
    this.#pending.batches++;
    this.#pending.records += e.count;
    this.#pending.bytes += e.length;
    return entry;
  }

  /** A frame of `length` bytes was appended to `seg`: one more position, a longer file. */
  grow(seg: Segment, length: number): void {
    seg.resized(seg.bytes + length, seg.frames + 1);
    this.#totalBytes += length;
  }

  /** The oldest live entry whose id is not leased, or undefined. */
  firstAvailable(): Entry | undefined {
    for (const seg of this.#segments) {
      if (!seg.scanned || seg.open === 0) continue;
      const entries = seg.entries;
      for (let i = seg.firstOpen(); i < entries.length; i++) {
        const e = entries[i];
        if (e.state === 'live' && !this.#leased.has(e.id)) return e;
      }
    }
    return undefined;
  }

  /** True while an entry not settled yet holds batch `id`. */
  holds(id: string): boolean {
    return this.#open.has(id);
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
    e.seg.settled(e);
    const open = this.#open.get(e.id)! - 1;
    if (open > 0) this.#open.set(e.id, open);
    else this.#open.delete(e.id);
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
  evict(seg: Segment, reason: SpoolLossReason): number {
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
      const head = seg.firstOpen();
      if (head < seg.entries.length) {
        ackedBelow = seg.entries[head].seq;
        break;
      }
    }
    for (const s of this.#settledAhead) if (s < ackedBelow) this.#settledAhead.delete(s);
    const segments = new Map<number, SegmentManifest>();
    for (const seg of this.#segments) {
      if (seg.scanned) segments.set(seg.no, seg.manifest());
    }
    return { ackedBelow, acked: [...this.#settledAhead].sort((a, b) => a - b), segments };
  }
}
