/**
 * The segment files of this process's directory. Appending: one `writeSync` per batch (page
 * cache; survives a process crash) to the active segment, fdatasync off the main thread per the
 * durability mode, rotation by frame count, age and size. Removing: eviction of the oldest
 * segments to stay under `spool.maxBytes` (`spool_full`) or `spool.maxAgeMs` (`expired`), and
 * deletion of segments nothing refers to any more.
 *
 * Accounting: an evicted segment's live records are reported lost under the eviction's reason;
 * leased ones become orphans and are reported when the caller settles them (see ledger.ts).
 */
import { join } from 'node:path';
import { errorCode, removeQuietly, syncDir } from './disk.js';
import {
  encodeFrame,
  FRAMES_PER_SEGMENT,
  renumberFrame,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  segmentHeader,
} from './format.js';
import { type CursorKeeper, Segment, type SpoolContext } from './ledger.js';
import type { SpoolBatch as Batch, SpoolLossReason } from './types.js';

/** The segment being appended to, with its open file. */
interface ActiveSegment {
  readonly seg: Segment;
  readonly fd: number;
  /** Written since the last fdatasync. */
  dirty: boolean;
  /** fdatasyncs in flight: the fd is closed only once they are done. */
  syncing: number;
  closing: boolean;
}

export class SegmentWriter {
  readonly #ctx: SpoolContext;
  /** Told when an entry is done or a segment sealed: the cursor must be rewritten. */
  readonly #cursor: Pick<CursorKeeper, 'markDirty'>;
  #active: ActiveSegment | undefined;
  #nextSegNo = 1;
  /** fdatasyncs in flight (of rotated segments too), for `syncAll`. */
  readonly #inflight = new Set<Promise<boolean>>();

  constructor(ctx: SpoolContext, cursor: Pick<CursorKeeper, 'markDirty'>) {
    this.#ctx = ctx;
    this.#cursor = cursor;
  }

  /**
   * New segments are numbered above `no` (the highest found on disk or implied by the cursor),
   * and never below what this writer used already (a recreated directory must not reuse seqs
   * the index still knows).
   */
  continueAfter(no: number): void {
    this.#nextSegNo = Math.max(this.#nextSegNo, no + 1);
  }

  /** The sequence number the next frame will get (the cursor's upper bound). */
  nextSeq(): number {
    const a = this.#active;
    return a ? a.seg.no * FRAMES_PER_SEGMENT + a.seg.frames : this.#nextSegNo * FRAMES_PER_SEGMENT;
  }

  /**
   * Writes one frame; false when the disk refused (or is being left alone, or the spool is closed
   * or not open yet).
   */
  write(batch: Batch, ts: number, syncNow: boolean): boolean {
    const ctx = this.#ctx;
    if (ctx.closed || ctx.dir === undefined || ctx.health.isDown()) return false;
    let a = this.#active;
    if (a && (a.seg.frames >= FRAMES_PER_SEGMENT || ctx.now() - a.seg.createdAt >= ctx.cfg.segmentAgeMs)) {
      this.closeActive(true);
      a = undefined;
    }
    let seq = this.nextSeq();
    const frame = encodeFrame(batch, seq, ts);
    if (frame.length + SEGMENT_HEADER_BYTES > ctx.cfg.maxBytes) {
      ctx.diag.warn('spool-too-large', `batch of ${frame.length} bytes exceeds spool.maxBytes`);
      return false;
    }
    if (a && a.seg.frames > 0 && a.seg.bytes + frame.length > ctx.cfg.segmentBytes) this.closeActive(true);
    if (!this.#makeRoom(frame.length)) return false;
    try {
      a = this.#active ?? this.#openSegment();
      // Rotation or eviction above may have moved the frame to a new segment: frame k of
      // segment n is seq n * FRAMES_PER_SEGMENT + k (recovery places corrupt frames by it).
      if (this.nextSeq() !== seq) {
        seq = this.nextSeq();
        renumberFrame(frame, seq);
      }
      this.#writeAt(a, frame, syncNow);
      const { seg } = a;
      const { id, count } = batch;
      ctx.index.addEntry(seg, { seq, offset: seg.bytes, length: frame.length, id, count, ts });
      ctx.index.grow(seg, frame.length);
      a.dirty = !syncNow;
      ctx.health.wrote();
      return true;
    } catch (err) {
      ctx.health.refused('write', err);
      return false;
    }
  }

  /**
   * Evicts the oldest segments until a frame of `frameBytes` fits under `spool.maxBytes`. The
   * active segment may be among them (it is closed first). False when nothing is left to evict.
   */
  #makeRoom(frameBytes: number): boolean {
    const { index, cfg } = this.#ctx;
    // Recomputed every round: once the active segment is evicted, the frame goes to a new
    // segment, whose header needs room too.
    const needed = () => frameBytes + (this.#active ? 0 : SEGMENT_HEADER_BYTES);
    while (index.totalBytes + needed() > cfg.maxBytes) {
      const oldest = index.segments[0];
      if (!oldest) return false;
      this.evict(oldest, 'spool_full');
    }
    return true;
  }

  /** Appends `frame` at the end of the active segment; on failure cuts it off and rotates. */
  #writeAt(a: ActiveSegment, frame: Buffer, syncNow: boolean): void {
    const { fs, cfg } = this.#ctx;
    const seg = a.seg;
    let off = 0;
    try {
      while (off < frame.length) off += fs.writeSync(a.fd, frame, off, frame.length - off, seg.bytes + off);
      if (syncNow && cfg.durability !== 'none') fs.fsyncSync(a.fd);
    } catch (err) {
      // Cut the partial frame so later appends do not follow garbage; then start a new segment.
      try {
        fs.ftruncateSync(a.fd, seg.bytes);
      } catch {
        // Recovery will cut it as a torn tail.
      }
      this.closeActive(false);
      throw err;
    }
  }

  #openSegment(): ActiveSegment {
    const { fs, cfg, index } = this.#ctx;
    const dir = this.#ctx.dir!;
    const no = this.#nextSegNo;
    const file = join(dir, segmentFileName(no));
    const fd = fs.openSync(file, 'wx', 0o600);
    this.#nextSegNo = no + 1;
    try {
      fs.writeSync(fd, segmentHeader(), 0, SEGMENT_HEADER_BYTES, 0);
    } catch (err) {
      fs.closeSync(fd);
      removeQuietly(fs, file); // Left behind: recovery removes a header-less segment.
      throw err;
    }
    if (cfg.durability !== 'none') syncDir(fs, dir);
    const seg = new Segment(no, file, SEGMENT_HEADER_BYTES, this.#ctx.now());
    index.addSegment(seg);
    this.#active = { seg, fd, dirty: true, syncing: 0, closing: false };
    return this.#active;
  }

  /**
   * Under `always`: the frame `write` just put in the active segment reaches stable storage
   * before `append` resolves. Called right after a successful `write` (nothing rotated since).
   */
  syncWritten(): Promise<boolean> {
    const a = this.#active;
    return a ? this.#syncAsync(a) : Promise.resolve(true);
  }

  /** Under `interval`: the periodic fdatasync of what was written since the last one. */
  syncInterval(): void {
    const a = this.#active;
    if (a?.dirty && a.syncing === 0 && this.#ctx.cfg.durability === 'interval') void this.#syncAsync(a);
  }

  /**
   * Every frame written so far is on stable storage (per the durability mode: `none` skips the
   * sync), including frames of segments rotated out while their fdatasync runs. False when a
   * sync failed. Adoption waits for this before it lets go of a source frame.
   */
  async syncAll(): Promise<boolean> {
    if (this.#ctx.cfg.durability === 'none') return true;
    const pending = [...this.#inflight];
    const a = this.#active;
    if (a?.dirty) pending.push(this.#syncAsync(a));
    return (await Promise.all(pending)).every(Boolean);
  }

  /** Starts an fdatasync of `a`: what it wrote so far is no longer unsynced. */
  #syncAsync(a: ActiveSegment): Promise<boolean> {
    a.dirty = false;
    a.syncing++;
    const p = new Promise<boolean>((resolve) => {
      this.#ctx.fs.fdatasync(a.fd, (err) => {
        a.syncing--;
        if (a.closing && a.syncing === 0) this.#ctx.fs.close(a.fd, () => {});
        if (err) this.#ctx.health.refused('sync', err);
        resolve(!err);
      });
    });
    this.#inflight.add(p);
    void p.then(() => this.#inflight.delete(p));
    return p;
  }

  /** Stops appending to the active segment; with `sync`, its unsynced frames are synced first. */
  closeActive(sync: boolean): void {
    const a = this.#active;
    if (!a) return;
    this.#active = undefined;
    a.seg.seal();
    a.closing = true;
    if (sync && a.dirty && this.#ctx.cfg.durability !== 'none') void this.#syncAsync(a);
    else if (a.syncing === 0) {
      try {
        this.#ctx.fs.closeSync(a.fd);
      } catch {
        // Already closed.
      }
    }
    this.maybeDelete(a.seg);
    // Sealed: the cursor's manifest now records its final frame count.
    this.#cursor.markDirty();
  }

  /**
   * Syncs the open segment now, synchronously, if it has unsynced frames or an fdatasync still
   * running (at exit that one never completes); not under `none`.
   */
  syncActive(): void {
    const a = this.#active;
    if (a && (a.dirty || a.syncing > 0) && this.#ctx.cfg.durability !== 'none') {
      try {
        this.#ctx.fs.fdatasyncSync(a.fd);
        a.dirty = false;
      } catch (err) {
        this.#ctx.health.refused('sync', err);
      }
    }
  }

  /** Evicts a whole segment, reporting its records lost under `reason`. */
  evict(seg: Segment, reason: SpoolLossReason): void {
    if (seg === this.#active?.seg) this.closeActive(false);
    if (!seg.scanned) {
      // Recovery reads it first so its records are counted, then deletes it.
      seg.markEvictAfterScan(reason);
      this.#ctx.index.removeSegment(seg);
      return;
    }
    this.dropScanned(seg, reason);
    this.#cursor.markDirty();
  }

  /**
   * Evicts a segment whose entries are known, deletes its file and reports the records lost;
   * returns how many. Recovery calls it directly for a segment evicted before it was read (the
   * cursor is not written yet).
   */
  dropScanned(seg: Segment, reason: SpoolLossReason): number {
    const { index, accounting, diag } = this.#ctx;
    const n = index.evict(seg, reason);
    if (n > 0) accounting.lost(reason, n);
    this.unlink(seg.file);
    if (n > 0) diag.warn(`spool-${reason}`, `spool evicted ${n} records (${reason})`);
    return n;
  }

  /** Evicts every segment whose newest record is older than `spool.maxAge`. */
  expire(): void {
    const limit = this.#ctx.now() - this.#ctx.cfg.maxAgeMs;
    for (const seg of [...this.#ctx.index.segments]) {
      if (seg.scanned && seg.entries.length > 0 && seg.newestTs < limit) this.evict(seg, 'expired');
    }
  }

  /** Deletes a segment once it is closed, read, and holds nothing live or leased. */
  maybeDelete(seg: Segment): void {
    const { index } = this.#ctx;
    if (seg.closed && seg.scanned && seg.open === 0 && seg !== this.#active?.seg && index.has(seg)) {
      index.removeSegment(seg);
      this.unlink(seg.file);
    }
  }

  /** Deletes a file; already gone is fine, anything else is a disk error (false). */
  unlink(file: string, op = 'unlink'): boolean {
    try {
      this.#ctx.fs.unlinkSync(file);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return true;
      this.#ctx.health.refused(op, err);
      return false;
    }
    return true;
  }
}
