/**
 * The active segment: the one file this process appends to. One `writeSync` per batch (page
 * cache; survives a process crash); fdatasync runs off the main thread per the durability mode.
 * The writer rotates segments by frame count, age and size, and keeps the total under
 * `spool.maxBytes` by having the oldest segments evicted before it writes.
 */
import { join } from 'node:path';
import type { DropReason } from '../stats.js';
import type { DiskHealth } from './disk-health.js';
import {
  encodeFrame,
  FRAMES_PER_SEGMENT,
  renumberFrame,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  segmentHeader,
} from './format.js';
import { syncDir } from './fs.js';
import type { SpoolContext } from './spool-context.js';
import { newSegment, type SegmentState } from './spool-index.js';
import type { SpoolBatch as Batch } from './types.js';

export interface ActiveSegment {
  seg: SegmentState;
  fd: number;
  frames: number;
  /** Written since the last fdatasync. */
  dirty: boolean;
  /** fdatasyncs in flight: the fd is closed only once they are done. */
  syncing: number;
  closing: boolean;
}

/** What the writer needs from eviction; callbacks, so the two do not import each other. */
export interface SegmentWriterHooks {
  /** Evicts a whole segment (to make room under `spool.maxBytes`). */
  evict(seg: SegmentState, reason: DropReason): void;
  /** A segment was closed for appends: delete it if nothing in it is still needed. */
  closed(seg: SegmentState): void;
}

export class SegmentWriter {
  private active: ActiveSegment | undefined;
  private nextSegNo = 1;
  /** fdatasyncs in flight (of rotated segments too), for `syncAll`. */
  private readonly inflight = new Set<Promise<boolean>>();

  constructor(
    private readonly ctx: SpoolContext,
    private readonly health: DiskHealth,
    private readonly hooks: SegmentWriterHooks,
  ) {}

  /** The segment being appended to, if any. */
  get activeSeg(): SegmentState | undefined {
    return this.active?.seg;
  }

  /**
   * New segments are numbered above `no` (the highest found on disk or implied by the cursor),
   * and never below what this writer used already (a recreated directory must not reuse seqs
   * the index still knows).
   */
  continueAfter(no: number): void {
    this.nextSegNo = Math.max(this.nextSegNo, no + 1);
  }

  /** The sequence number the next frame will get (the cursor's upper bound). */
  nextSeq(): number {
    const a = this.active;
    return a ? a.seg.no * FRAMES_PER_SEGMENT + a.frames : this.nextSegNo * FRAMES_PER_SEGMENT;
  }

  /**
   * Writes one frame; returns the active segment it went to, or undefined when the disk refused
   * (or is being left alone, or the spool is closed or not open yet).
   */
  write(batch: Batch, ts: number, syncNow: boolean): ActiveSegment | undefined {
    const { ctx } = this;
    if (ctx.closed || ctx.dir === undefined || this.health.isDown()) return undefined;
    let a = this.active;
    if (a && (a.frames >= FRAMES_PER_SEGMENT || ctx.now() - a.seg.createdAt >= ctx.cfg.segmentAgeMs)) {
      this.closeActive(true);
      a = undefined;
    }
    let seq = this.nextSeq();
    const frame = encodeFrame(batch, seq, ts);
    if (frame.length + SEGMENT_HEADER_BYTES > ctx.cfg.maxBytes) {
      ctx.diag.warn('spool-too-large', `batch of ${frame.length} bytes exceeds spool.maxBytes`);
      return undefined;
    }
    if (a && a.frames > 0 && a.seg.bytes + frame.length > ctx.cfg.segmentBytes) {
      this.closeActive(true);
      a = undefined;
    }
    if (!this.makeRoom(frame.length)) return undefined;
    a = this.active;
    try {
      if (!a) a = this.openSegment();
      // Rotation or eviction above may have moved the frame to a new segment: frame k of
      // segment n is seq n * FRAMES_PER_SEGMENT + k (recovery places corrupt frames by it).
      if (this.nextSeq() !== seq) {
        seq = this.nextSeq();
        renumberFrame(frame, seq);
      }
      this.writeAt(a, frame, syncNow);
      const seg = a.seg;
      ctx.index.addEntry(seg, {
        seq,
        offset: seg.bytes,
        length: frame.length,
        id: batch.id,
        count: batch.count,
        ts,
      });
      seg.bytes += frame.length;
      ctx.index.totalBytes += frame.length;
      a.frames++;
      seg.frames = a.frames;
      a.dirty = !syncNow;
      this.health.wrote();
      return a;
    } catch (err) {
      this.ctx.diskError('write', err);
      return undefined;
    }
  }

  /**
   * Evicts the oldest segments until a frame of `frameBytes` fits under `spool.maxBytes`. The
   * active segment may be among them (it is closed first). False when nothing is left to evict.
   */
  private makeRoom(frameBytes: number): boolean {
    const { index, cfg } = this.ctx;
    // Recomputed every round: once the active segment is evicted, the frame goes to a new
    // segment, whose header needs room too.
    const needed = () => frameBytes + (this.active ? 0 : SEGMENT_HEADER_BYTES);
    while (index.totalBytes + needed() > cfg.maxBytes) {
      const oldest = index.segments[0];
      if (!oldest) return false;
      if (oldest === this.active?.seg) this.closeActive(false);
      this.hooks.evict(oldest, 'spool_full');
    }
    return true;
  }

  /** Appends `frame` at the end of the active segment; on failure cuts it off and rotates. */
  private writeAt(a: ActiveSegment, frame: Buffer, syncNow: boolean): void {
    const { fs, cfg } = this.ctx;
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

  private openSegment(): ActiveSegment {
    const { fs, cfg, index } = this.ctx;
    const dir = this.ctx.dir!;
    const no = this.nextSegNo;
    const file = join(dir, segmentFileName(no));
    const fd = fs.openSync(file, 'wx', 0o600);
    this.nextSegNo = no + 1;
    try {
      fs.writeSync(fd, segmentHeader(), 0, SEGMENT_HEADER_BYTES, 0);
    } catch (err) {
      fs.closeSync(fd);
      try {
        fs.unlinkSync(file);
      } catch {
        // Recovery removes a header-less segment.
      }
      throw err;
    }
    if (cfg.durability !== 'none') syncDir(fs, dir);
    const seg = newSegment(no, file, SEGMENT_HEADER_BYTES, false, true, this.ctx.now());
    index.addSegment(seg);
    this.active = { seg, fd, frames: 0, dirty: true, syncing: 0, closing: false };
    return this.active;
  }

  /** Under `always`: the frame just written reaches stable storage before `append` resolves. */
  syncWritten(a: ActiveSegment): Promise<boolean> {
    a.dirty = false;
    return this.syncAsync(a);
  }

  /** Under `interval`: the periodic fdatasync of what was written since the last one. */
  syncInterval(): void {
    const a = this.active;
    if (a?.dirty && a.syncing === 0 && this.ctx.cfg.durability === 'interval') {
      a.dirty = false;
      void this.syncAsync(a);
    }
  }

  /** Flushes the active segment to stable storage now, synchronously (at close). */
  syncNow(): void {
    const a = this.active;
    if (!a || this.ctx.cfg.durability === 'none') return;
    try {
      this.ctx.fs.fdatasyncSync(a.fd);
      a.dirty = false;
    } catch (err) {
      this.ctx.diskError('sync', err);
    }
  }

  /**
   * Every frame written so far is on stable storage (per the durability mode: `none` skips the
   * sync), including frames of segments rotated out while their fdatasync runs. False when a
   * sync failed. Adoption waits for this before it lets go of a source frame.
   */
  async syncAll(): Promise<boolean> {
    if (this.ctx.cfg.durability === 'none') return true;
    const pending = [...this.inflight];
    const a = this.active;
    if (a?.dirty) {
      a.dirty = false;
      pending.push(this.syncAsync(a));
    }
    return (await Promise.all(pending)).every(Boolean);
  }

  private syncAsync(a: ActiveSegment): Promise<boolean> {
    a.syncing++;
    const p = this.startSync(a);
    this.inflight.add(p);
    void p.then(() => this.inflight.delete(p));
    return p;
  }

  private startSync(a: ActiveSegment): Promise<boolean> {
    return new Promise((resolve) => {
      this.ctx.fs.fdatasync(a.fd, (err) => {
        a.syncing--;
        if (a.closing && a.syncing === 0) this.ctx.fs.close(a.fd, () => {});
        if (err) this.ctx.diskError('sync', err);
        resolve(!err);
      });
    });
  }

  /** Stops appending to the active segment; with `sync`, its unsynced frames are synced first. */
  closeActive(sync: boolean): void {
    const a = this.active;
    if (!a) return;
    this.active = undefined;
    a.seg.closed = true;
    a.closing = true;
    if (sync && a.dirty && this.ctx.cfg.durability !== 'none') void this.syncAsync(a);
    else if (a.syncing === 0) {
      try {
        this.ctx.fs.closeSync(a.fd);
      } catch {
        // Already closed.
      }
    }
    this.hooks.closed(a.seg);
  }

  /** At `close()`: sync what is unsynced, then close the file. */
  close(): void {
    if (this.active?.dirty) this.syncNow();
    this.closeActive(false);
  }
}
