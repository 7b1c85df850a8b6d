/**
 * The disk spool: an append-only log of export batches in segment files, an in-memory index
 * of their positions, and a cursor of what was acknowledged. Writes are one `writeSync` per
 * batch (page cache; survives a process crash); fdatasync runs off the main thread per the
 * durability mode. Recovery of an earlier process's data runs in the background: `open` never
 * throws and never waits for it.
 */
import { join } from 'node:path';
import type { Diag } from '../diag.js';
import type { Counters, DropReason } from '../stats.js';
import { adoptStaleDirs } from './adopt.js';
import { readCursor, writeCursor, writeCursorSync } from './cursor.js';
import {
  encodeFrame,
  FRAMES_PER_SEGMENT,
  parseSegmentFileName,
  readFrame,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  segmentHeader,
} from './format.js';
import { errorCode, type SpoolFs, syncDir } from './fs.js';
import { HEARTBEAT_MS, type HeldLock } from './lock.js';
import { openDir } from './open-dir.js';
import type { SpoolConfig } from './options.js';
import { writeQuarantine } from './quarantine.js';
import { recoverDir } from './recover.js';
import { type SegmentState, SpoolIndex } from './spool-index.js';
import type { SpoolBatch as Batch, Spool, SpoolPending } from './types.js';

export interface DiskSpoolDeps {
  counters: Counters;
  diag: Diag;
  fs: SpoolFs;
  now?: () => number;
  /** How long the disk is left alone after it refused a write. Default 5 s. */
  retryMs?: number;
}

interface Active {
  seg: SegmentState;
  fd: number;
  frames: number;
  dirty: boolean;
  syncing: number;
  closing: boolean;
}

export class DiskSpool implements Spool {
  readonly cfg: SpoolConfig;
  readonly fs: SpoolFs;
  readonly counters: Counters;
  readonly diag: Diag;
  readonly index = new SpoolIndex();
  readonly now: () => number;
  /** The directory this process writes (the root, or a `proc-*` sub-directory). */
  dir: string | undefined;
  closed = false;
  private lock: HeldLock | undefined;
  private active: Active | undefined;
  private nextSegNo = 1;
  private recovery: Promise<void> | undefined;
  private recovered = false;
  private cursorDirty = false;
  private cursorWriting: Promise<void> | undefined;
  private diskDownUntil = 0;
  private readonly warned = new Set<string>();
  private readonly retryMs: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private ticks = 0;

  constructor(cfg: SpoolConfig, deps: DiskSpoolDeps) {
    this.cfg = cfg;
    this.fs = deps.fs;
    this.counters = deps.counters;
    this.diag = deps.diag;
    this.now = deps.now ?? Date.now;
    this.retryMs = deps.retryMs ?? 5_000;
    this.ensureOpen();
  }

  /** Resolves when the data of earlier processes is indexed (and counted as `recovered`). */
  whenRecovered(): Promise<void> {
    return this.recovery ?? Promise.resolve();
  }

  get pending(): SpoolPending {
    return { ...this.index.pending };
  }

  private ensureOpen(): boolean {
    if (this.dir !== undefined) return true;
    if (this.closed || this.now() < this.diskDownUntil) return false;
    try {
      const { dir, lock } = openDir(this.fs, this.cfg.dir);
      const cursor = readCursor(this.fs, dir);
      if (cursor.state === 'garbage') {
        this.diag.warn(
          'spool-cursor',
          'spool cursor unreadable; replaying from the oldest segment (duplicates possible)',
        );
      }
      let maxNo = Math.floor(cursor.cursor.ackedBelow / FRAMES_PER_SEGMENT);
      for (const name of this.fs.readdirSync(dir)) {
        const no = parseSegmentFileName(name);
        if (no === undefined) continue;
        const file = join(dir, name);
        const bytes = this.fs.statSync(file).size;
        this.index.addSegment(newSegment(no, file, bytes, true, false, 0));
        maxNo = Math.max(maxNo, no);
      }
      this.nextSegNo = maxNo + 1;
      this.dir = dir;
      this.lock = lock;
      if (dir !== this.cfg.dir)
        this.diag.info('spool-subdir', `spool root is locked by a live process; writing to ${dir}`);
      this.startTimers();
      this.recovery = recoverDir(this, cursor.cursor).then(
        (complete) => (complete ? this.afterRecovery() : undefined),
        (err) => this.diag.error('spool-recover', `spool recovery failed: ${(err as Error).message}`),
      );
      return true;
    } catch (err) {
      this.diskError('open', err);
      return false;
    }
  }

  private async afterRecovery(): Promise<void> {
    this.recovered = true;
    this.cursorDirty = true;
    await this.flushCursor();
    await adoptStaleDirs(this);
  }

  private startTimers(): void {
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.cfg.syncIntervalMs, () => {
      const a = this.active;
      if (a?.dirty && a.syncing === 0 && this.cfg.durability === 'interval') {
        a.dirty = false;
        void this.syncAsync(a);
      }
      if (this.cursorDirty) void this.flushCursor();
    });
    every(HEARTBEAT_MS, () => {
      try {
        if (this.lock && !this.lock.heartbeat())
          this.diag.warn('spool-lock', 'spool lock taken by another process');
      } catch (err) {
        this.diskError('heartbeat', err);
      }
      if (++this.ticks % 6 === 0 && this.recovered) void adoptStaleDirs(this);
    });
    every(Math.max(1000, Math.min(30_000, Math.floor(this.cfg.maxAgeMs / 4))), () => this.expire());
  }

  // ---- writing ---------------------------------------------------------------------------

  async append(batch: Batch): Promise<boolean> {
    const a = this.writeFrame(batch, this.now(), false);
    if (!a) return false;
    if (this.cfg.durability === 'always') {
      a.dirty = false;
      if (!(await this.syncAsync(a))) {
        this.diag.warn('spool-sync', 'spool fdatasync failed; the batch may not survive a power loss');
      }
    }
    return true;
  }

  appendSync(batch: Batch): boolean {
    return this.writeFrame(batch, this.now(), true) !== undefined;
  }

  /** Writes one frame; returns the active segment it went to, or undefined when the disk refused. */
  writeFrame(batch: Batch, ts: number, syncNow: boolean): Active | undefined {
    if (this.closed || !this.ensureOpen() || this.now() < this.diskDownUntil) return undefined;
    let a = this.active;
    if (a && (a.frames >= FRAMES_PER_SEGMENT || this.now() - a.seg.createdAt >= this.cfg.segmentAgeMs)) {
      this.closeActive(true);
      a = undefined;
    }
    const seq = a ? a.seg.no * FRAMES_PER_SEGMENT + a.frames : this.nextSegNo * FRAMES_PER_SEGMENT;
    const frame = encodeFrame(batch, seq, ts);
    if (frame.length + SEGMENT_HEADER_BYTES > this.cfg.maxBytes) {
      this.diag.warn('spool-too-large', `batch of ${frame.length} bytes exceeds spool.maxBytes`);
      return undefined;
    }
    if (a && a.frames > 0 && a.seg.bytes + frame.length > this.cfg.segmentBytes) {
      this.closeActive(true);
      a = undefined;
    }
    const needed = frame.length + (a ? 0 : SEGMENT_HEADER_BYTES);
    while (this.index.totalBytes + needed > this.cfg.maxBytes) {
      const oldest = this.index.segments[0];
      if (!oldest || oldest === a?.seg) {
        if (!oldest) return undefined;
        this.closeActive(false);
        a = undefined;
      }
      this.evictSegment(oldest, 'spool_full');
    }
    try {
      if (!a) a = this.openSegment();
      const seg = a.seg;
      let off = 0;
      try {
        while (off < frame.length)
          off += this.fs.writeSync(a.fd, frame, off, frame.length - off, seg.bytes + off);
        if (syncNow && this.cfg.durability !== 'none') this.fs.fsyncSync(a.fd);
      } catch (err) {
        // Cut the partial frame so later appends do not follow garbage; then start a new segment.
        try {
          this.fs.ftruncateSync(a.fd, seg.bytes);
        } catch {
          // Recovery will cut it as a torn tail.
        }
        this.closeActive(false);
        throw err;
      }
      this.index.addEntry(seg, {
        seq,
        offset: seg.bytes,
        length: frame.length,
        id: batch.id,
        count: batch.count,
        ts,
      });
      seg.bytes += frame.length;
      this.index.totalBytes += frame.length;
      a.frames++;
      a.dirty = !syncNow;
      if (this.warned.size > 0) {
        this.warned.clear();
        this.diag.info('spool-disk', 'spool disk accepts writes again');
      }
      return a;
    } catch (err) {
      this.diskError('write', err);
      return undefined;
    }
  }

  private openSegment(): Active {
    const no = this.nextSegNo;
    const file = join(this.dir!, segmentFileName(no));
    const fd = this.fs.openSync(file, 'wx', 0o600);
    this.nextSegNo = no + 1;
    try {
      this.fs.writeSync(fd, segmentHeader(), 0, SEGMENT_HEADER_BYTES, 0);
    } catch (err) {
      this.fs.closeSync(fd);
      try {
        this.fs.unlinkSync(file);
      } catch {
        // Recovery removes a header-less segment.
      }
      throw err;
    }
    if (this.cfg.durability !== 'none') syncDir(this.fs, this.dir!);
    const seg = newSegment(no, file, SEGMENT_HEADER_BYTES, false, true, this.now());
    this.index.addSegment(seg);
    this.active = { seg, fd, frames: 0, dirty: true, syncing: 0, closing: false };
    return this.active;
  }

  private syncAsync(a: Active): Promise<boolean> {
    a.syncing++;
    return new Promise((resolve) => {
      this.fs.fdatasync(a.fd, (err) => {
        a.syncing--;
        if (a.closing && a.syncing === 0) this.fs.close(a.fd, () => {});
        if (err) this.diskError('sync', err);
        resolve(!err);
      });
    });
  }

  private closeActive(sync: boolean): void {
    const a = this.active;
    if (!a) return;
    this.active = undefined;
    a.seg.closed = true;
    a.closing = true;
    if (sync && a.dirty && this.cfg.durability !== 'none') void this.syncAsync(a);
    else if (a.syncing === 0) {
      try {
        this.fs.closeSync(a.fd);
      } catch {
        // Already closed.
      }
    }
    this.maybeDelete(a.seg);
  }

  /** Flushes written frames to stable storage now (before deleting adopted source files). */
  syncNow(): void {
    const a = this.active;
    if (!a || this.cfg.durability === 'none') return;
    try {
      this.fs.fdatasyncSync(a.fd);
      a.dirty = false;
    } catch (err) {
      this.diskError('sync', err);
    }
  }

  // ---- eviction --------------------------------------------------------------------------

  evictSegment(seg: SegmentState, reason: DropReason): void {
    if (seg === this.active?.seg) this.closeActive(false);
    if (!seg.scanned) {
      // Recovery reads it first so its records are counted, then deletes it.
      seg.evictAfterScan = reason;
      this.index.removeSegment(seg);
      return;
    }
    const n = this.index.evict(seg, reason);
    this.counters.spooled -= n;
    this.counters.drop(reason, n);
    this.cursorDirty = true;
    this.unlink(seg.file);
    if (n > 0) this.diag.warn(`spool-${reason}`, `spool evicted ${n} records (${reason})`);
  }

  private expire(): void {
    const limit = this.now() - this.cfg.maxAgeMs;
    for (const seg of [...this.index.segments]) {
      if (seg.scanned && seg.entries.length > 0 && seg.newestTs < limit) this.evictSegment(seg, 'expired');
    }
  }

  maybeDelete(seg: SegmentState): void {
    if (
      seg.closed &&
      seg.scanned &&
      seg.open === 0 &&
      seg !== this.active?.seg &&
      this.index.segments.includes(seg)
    ) {
      this.index.removeSegment(seg);
      this.unlink(seg.file);
    }
  }

  unlink(file: string): void {
    try {
      this.fs.unlinkSync(file);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') this.diskError('unlink', err);
    }
  }

  diskError(op: string, err: unknown): void {
    const code = errorCode(err);
    this.diskDownUntil = this.now() + this.retryMs;
    if (this.warned.has(code)) return;
    this.warned.add(code);
    this.diag.warn(
      `spool-disk-${code}`,
      `spool: disk refused ${op} (${code}); retrying in ${this.retryMs} ms`,
    );
  }

  // ---- reading ---------------------------------------------------------------------------

  async next(): Promise<Batch | undefined> {
    if (this.closed || !this.ensureOpen()) return undefined;
    await this.recovery;
    this.expire();
    for (;;) {
      if (this.closed) return undefined;
      const e = this.index.firstAvailable();
      if (!e) return undefined;
      this.index.lease(e);
      let bytes: Uint8Array;
      try {
        bytes = await this.readRange(e.seg.file, e.offset, e.length);
      } catch (err) {
        const orphan = this.index.orphans.get(e.id);
        if (orphan?.entry === e) {
          // Evicted while we read it: it is gone, and counted as the eviction says.
          this.index.orphans.delete(e.id);
          this.counters.spooled -= e.count;
          this.counters.drop(orphan.reason, e.count);
          continue;
        }
        this.index.release(e);
        this.diskError('read', err);
        return undefined;
      }
      const ev = readFrame(bytes, 0);
      if (ev.kind !== 'frame' || ev.frame.seq !== e.seq || ev.frame.id !== e.id) {
        this.settleCorrupt(e.id);
        // Like an ack: under `always` the next process must not find (and count) it again.
        if (this.cfg.durability === 'always') await this.flushCursor();
        continue;
      }
      return { id: e.id, count: e.count, body: ev.body };
    }
  }

  private settleCorrupt(id: string): void {
    const orphan = this.index.orphans.get(id);
    const e = orphan?.entry ?? this.index.leased.get(id);
    if (!e) return;
    this.index.orphans.delete(id);
    this.index.settle(e);
    this.counters.spooled -= e.count;
    this.counters.drop('corrupt', e.count);
    this.cursorDirty = true;
    this.maybeDelete(e.seg);
    this.diag.warn('spool-corrupt', `spool frame corrupt on read; ${e.count} records dropped`);
  }

  private async readRange(file: string, offset: number, length: number): Promise<Uint8Array> {
    const fh = await this.fs.promises.open(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    } finally {
      await fh.close();
    }
  }

  async ack(id: string): Promise<void> {
    if (this.index.orphans.delete(id)) return;
    const e = this.index.leased.get(id);
    if (!e) return;
    this.index.settle(e);
    this.cursorDirty = true;
    this.maybeDelete(e.seg);
    if (this.cfg.durability === 'always') await this.flushCursor();
  }

  release(id: string): void {
    const orphan = this.index.orphans.get(id);
    if (orphan) {
      this.index.orphans.delete(id);
      this.counters.spooled -= orphan.entry.count;
      this.counters.drop(orphan.reason, orphan.entry.count);
      return;
    }
    const e = this.index.leased.get(id);
    if (e) this.index.release(e);
  }

  async quarantine(id: string, reason: string): Promise<void> {
    // The batch stage counts the records (`rejected`); the spool only moves the bytes aside.
    if (this.index.orphans.delete(id)) return;
    const e = this.index.leased.get(id);
    if (!e || !this.dir) return;
    try {
      const frame = await this.readRange(e.seg.file, e.offset, e.length);
      const name = `${String(this.now()).padStart(15, '0')}-${e.seq}.seg`;
      const note = { id: e.id, count: e.count, ts: e.ts, reason: reason.slice(0, 200), at: this.now() };
      writeQuarantine(
        this.fs,
        this.dir,
        name,
        Buffer.concat([segmentHeader(), frame]),
        note,
        this.cfg.quarantineMaxBytes,
      );
    } catch (err) {
      this.diskError('quarantine', err);
    }
    this.index.settle(e);
    this.cursorDirty = true;
    this.maybeDelete(e.seg);
    this.diag.warn(
      'spool-quarantine',
      `spool batch refused by the backend (${reason.slice(0, 80)}); quarantined`,
    );
    if (this.cfg.durability === 'always') await this.flushCursor();
  }

  // ---- cursor and shutdown -----------------------------------------------------------------

  private nextSeq(): number {
    const a = this.active;
    return a ? a.seg.no * FRAMES_PER_SEGMENT + a.frames : this.nextSegNo * FRAMES_PER_SEGMENT;
  }

  async flushCursor(): Promise<void> {
    while (this.cursorWriting) await this.cursorWriting;
    // Before recovery has read every segment the index does not know all seqs: keep the old cursor.
    if (!this.recovered || !this.cursorDirty || !this.dir) return;
    this.cursorDirty = false;
    const cursor = this.index.cursor(this.nextSeq());
    const p = writeCursor(this.fs, this.dir, cursor, this.cfg.durability !== 'none').catch((err) => {
      this.cursorDirty = true;
      this.diskError('cursor', err);
    });
    this.cursorWriting = p.finally(() => {
      this.cursorWriting = undefined;
    });
    await this.cursorWriting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.active?.dirty) this.syncNow();
    this.closeActive(false);
    await this.recovery;
    while (this.cursorWriting) await this.cursorWriting;
    if (this.recovered && this.cursorDirty && this.dir) {
      try {
        writeCursorSync(this.fs, this.dir, this.index.cursor(this.nextSeq()), this.cfg.durability !== 'none');
      } catch (err) {
        this.diskError('cursor', err);
      }
    }
    try {
      this.lock?.release();
    } catch {
      // A stale lock is taken over by the next process.
    }
  }
}

function newSegment(
  no: number,
  file: string,
  bytes: number,
  closed: boolean,
  scanned: boolean,
  createdAt: number,
): SegmentState {
  return { no, file, bytes, entries: [], head: 0, open: 0, newestTs: 0, createdAt, closed, scanned };
}
