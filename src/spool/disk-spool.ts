/**
 * The disk spool: an append-only log of export batches in segment files, an in-memory index
 * of their positions, and a cursor of what was acknowledged. This file is the facade: it opens
 * the directory, wires the parts together and runs the timers. The parts:
 *
 * - segment-writer.ts: the active segment (appends, rotation, fdatasync, the byte cap);
 * - segment-reaper.ts: eviction (size, age) and deletion of finished segments;
 * - spool-leases.ts: `next` / `ack` / `release` / `quarantine`;
 * - cursor-keeper.ts: writing the cursor;
 * - recover.ts / adopt.ts: data of earlier processes (ours, and of dead siblings).
 *
 * Recovery of an earlier process's data runs in the background: `open` never throws and never
 * waits for it.
 *
 * A directory removed while we run (`rm -rf`, a volume cleaned up) is noticed on the timers and
 * when a write fails: what was in it is counted lost (`corrupt`), and the directory is created
 * again, with its modes, as at open; the spool goes on in it.
 */
import { join } from 'node:path';
import type { Diag } from '../diag.js';
import type { Counters } from '../stats.js';
import { StaleDirAdopter } from './adopt.js';
import { readCursor } from './cursor.js';
import { CursorKeeper } from './cursor-keeper.js';
import { DiskHealth } from './disk-health.js';
import { isSpoolUnavailable, SpoolUnavailableError } from './errors.js';
import { FRAMES_PER_SEGMENT, parseSegmentFileName } from './format.js';
import { errorCode, type SpoolFs } from './fs.js';
import { HEARTBEAT_MS, type HeldLock } from './lock.js';
import { openDir } from './open-dir.js';
import type { SpoolConfig } from './options.js';
import { recoverDir } from './recover.js';
import { SegmentReaper } from './segment-reaper.js';
import { type ActiveSegment, SegmentWriter } from './segment-writer.js';
import { countRecoveredCorrupt, type SpoolContext } from './spool-context.js';
import { newSegment, type SegmentState, SpoolIndex } from './spool-index.js';
import { SpoolLeases } from './spool-leases.js';
import type { SpoolBatch as Batch, Spool, SpoolPending } from './types.js';

export interface DiskSpoolDeps {
  counters: Counters;
  diag: Diag;
  fs: SpoolFs;
  now?: () => number;
  /** How long the disk is left alone after it refused a write. Default 5 s. */
  retryMs?: number;
}

/**
 * Longest a `next()` waits when it is called again right after it rejected (the disk still in its
 * back-off): a caller that retries at once is slowed down instead of spinning, and `close()` is
 * never held up for long.
 */
const NEXT_RETRY_WAIT_MAX_MS = 1_000;

export class DiskSpool implements Spool {
  private readonly ctx: SpoolContext;
  private readonly health: DiskHealth;
  private readonly writer: SegmentWriter;
  private readonly reaper: SegmentReaper;
  private readonly cursor: CursorKeeper;
  private readonly leases: SpoolLeases;
  private readonly adopter: StaleDirAdopter;
  private lock: HeldLock | undefined;
  private recovery: Promise<void> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private ticks = 0;
  private readonly retryMs: number;
  /** When the last `next()` rejected with `SpoolUnavailableError`; undefined once one went through. */
  private nextFailedAt: number | undefined;
  /** Wakes the `next()` calls waiting out the back-off (at close). */
  private readonly nextWaiters = new Set<() => void>();

  constructor(cfg: SpoolConfig, deps: DiskSpoolDeps) {
    const now = deps.now ?? Date.now;
    this.retryMs = deps.retryMs ?? 5_000;
    const health = new DiskHealth(deps.diag, now, this.retryMs);
    this.health = health;
    this.ctx = {
      cfg,
      fs: deps.fs,
      counters: deps.counters,
      diag: deps.diag,
      index: new SpoolIndex(),
      now,
      retryMs: this.retryMs,
      dir: undefined,
      closed: false,
      diskError: (op, err) => health.refused(op, err),
    };
    // The writer and the reaper need each other (eviction closes the active segment; the
    // writer evicts to make room): callbacks keep their modules independent.
    this.writer = new SegmentWriter(this.ctx, health, {
      evict: (seg, reason) => this.reaper.evictSegment(seg, reason),
      closed: (seg) => {
        this.reaper.maybeDelete(seg);
        // Sealed: the cursor's manifest now records its final frame count.
        this.cursor.markDirty();
      },
    });
    this.cursor = new CursorKeeper(this.ctx, () => this.writer.nextSeq());
    this.reaper = new SegmentReaper(this.ctx, this.writer, () => this.cursor.markDirty());
    this.leases = new SpoolLeases(this.ctx, {
      maybeDelete: (seg) => this.reaper.maybeDelete(seg),
      cursorChanged: () => this.cursor.markDirty(),
      flushCursor: () => this.cursor.flush(),
    });
    this.adopter = new StaleDirAdopter(this.ctx, this.writer);
    this.ensureOpen();
  }

  /** The directory this process writes (the root, or a `proc-*` sub-directory). */
  get dir(): string | undefined {
    return this.ctx.dir;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.ctx.closed;
  }

  /** Resolves when the data of earlier processes is indexed (and counted as `recovered`). */
  whenRecovered(): Promise<void> {
    return this.recovery ?? Promise.resolve();
  }

  get pending(): SpoolPending {
    return { ...this.ctx.index.pending };
  }

  /**
   * Opens the directory (again, after the disk refused); false while it cannot. All or nothing:
   * everything that can fail runs before anything is kept, and a failure releases the lock, so
   * a retry starts from scratch (same directory, no segment indexed twice).
   */
  private ensureOpen(): boolean {
    const { ctx } = this;
    if (ctx.dir !== undefined) return true;
    if (ctx.closed || this.health.isDown()) return false;
    let lock: HeldLock | undefined;
    try {
      const opened = openDir(ctx.fs, ctx.cfg.dir);
      lock = opened.lock;
      const dir = opened.dir;
      const cursor = readCursor(ctx.fs, dir);
      const found = this.listSegmentFiles(dir);
      // Nothing below touches the disk: from here on, the open cannot half-fail.
      // New frames must not reuse a seq the cursor settles (recovery carries its out-of-order
      // part forward, also for segments deleted since): the writer starts after all of them.
      const settledTop = cursor.cursor.acked.reduce((m, s) => Math.max(m, s), cursor.cursor.ackedBelow);
      let maxNo = Math.floor(settledTop / FRAMES_PER_SEGMENT);
      for (const seg of found) {
        ctx.index.addSegment(seg);
        maxNo = Math.max(maxNo, seg.no);
      }
      this.writer.continueAfter(maxNo);
      ctx.dir = dir;
      this.lock = lock;
      if (cursor.state === 'garbage') {
        ctx.diag.warn(
          'spool-cursor',
          'spool cursor unreadable; replaying from the oldest segment (duplicates possible)',
        );
      }
      if (dir !== ctx.cfg.dir)
        ctx.diag.info('spool-subdir', `spool root is locked by a live process; writing to ${dir}`);
      if (this.timers.length === 0) this.startTimers();
      this.recovery = recoverDir(ctx, this.reaper, cursor.cursor).then(
        (complete) => (complete ? this.afterRecovery() : undefined),
        (err) => ctx.diag.error('spool-recover', `spool recovery failed: ${(err as Error).message}`),
      );
      return true;
    } catch (err) {
      try {
        lock?.release();
      } catch {
        // Left behind, it is ours (same pid): the next attempt or process takes it over as stale.
      }
      ctx.diskError('open', err);
      return false;
    }
  }

  /** The segment files an earlier process left (unscanned: recovery reads them). Throws on disk errors. */
  private listSegmentFiles(dir: string): SegmentState[] {
    const { fs } = this.ctx;
    const found: SegmentState[] = [];
    for (const name of fs.readdirSync(dir)) {
      const no = parseSegmentFileName(name);
      if (no === undefined) continue;
      const file = join(dir, name);
      found.push(newSegment(no, file, fs.statSync(file).size, true, false, 0));
    }
    return found;
  }

  /**
   * Looks for data left by dead siblings now and adopts it (this also runs after recovery and
   * about every 30 s). Resolves when the pass is over; never rejects.
   */
  adoptStale(): Promise<void> {
    return this.cursor.isComplete ? this.adopter.run() : Promise.resolve();
  }

  private async afterRecovery(): Promise<void> {
    this.cursor.markComplete();
    await this.cursor.flush();
    await this.adopter.run();
  }

  private startTimers(): void {
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.ctx.cfg.syncIntervalMs, () => {
      if (this.dirRemoved()) this.ensureOpen();
      this.writer.syncInterval();
      this.cursor.flushIfDirty();
    });
    every(HEARTBEAT_MS, () => {
      if (this.dirRemoved()) this.ensureOpen();
      try {
        if (this.lock && !this.lock.heartbeat())
          this.ctx.diag.warn('spool-lock', 'spool lock taken by another process');
      } catch (err) {
        this.ctx.diskError('heartbeat', err);
      }
      // Siblings die at any time: look for their data every 6 heartbeats (about 30 s).
      if (++this.ticks % 6 === 0 && this.cursor.isComplete) void this.adopter.run();
    });
    every(Math.max(1000, Math.min(30_000, Math.floor(this.ctx.cfg.maxAgeMs / 4))), () =>
      this.reaper.expire(),
    );
  }

  async append(batch: Batch): Promise<boolean> {
    const a = this.write(batch, false);
    if (!a) return false;
    if (this.ctx.cfg.durability === 'always') {
      if (!(await this.writer.syncWritten(a))) {
        this.ctx.diag.warn('spool-sync', 'spool fdatasync failed; the batch may not survive a power loss');
      }
    }
    return true;
  }

  appendSync(batch: Batch): boolean {
    return this.write(batch, true) !== undefined;
  }

  private write(batch: Batch, syncNow: boolean): ActiveSegment | undefined {
    // One stat per batch: a frame appended to the open segment of a removed directory would be
    // counted spooled, and be gone.
    this.dirRemoved();
    if (this.ctx.closed || !this.ensureOpen()) return undefined;
    const a = this.writer.write(batch, this.ctx.now(), syncNow);
    if (a || !this.dirRemoved()) return a;
    // The directory was removed under us, and is now created again: one more try.
    return this.ensureOpen() ? this.writer.write(batch, this.ctx.now(), syncNow) : undefined;
  }

  /**
   * True when the directory we write was removed: then what was in it is counted lost
   * (`corrupt`: the live records of every indexed segment; a segment recovery had not read yet
   * as a loss of unknown size), the lock and the active segment are let go, and the spool is
   * left to `ensureOpen`, which creates the directory again (modes included, as at start).
   */
  private dirRemoved(): boolean {
    const { ctx } = this;
    const dir = ctx.dir;
    if (dir === undefined || ctx.closed) return false;
    try {
      ctx.fs.statSync(dir);
      return false;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') return false;
    }
    this.writer.closeActive(false);
    const before = ctx.counters.dropped.corrupt;
    let unread = 0;
    for (const seg of [...ctx.index.segments]) {
      if (seg.scanned) this.reaper.dropScanned(seg, 'corrupt');
      else {
        // Recovery finds it gone (ENOENT) and skips it; its records were never counted.
        ctx.index.removeSegment(seg);
        unread++;
      }
    }
    if (unread > 0) {
      countRecoveredCorrupt(
        ctx,
        unread,
        `spool: ${unread} unread segments of an earlier process vanished with ${dir}`,
        unread,
      );
    }
    ctx.diag.warn(
      'spool-dir-removed',
      `spool directory ${dir} was removed; ${ctx.counters.dropped.corrupt - before} records in it lost; creating it again`,
    );
    try {
      this.lock?.release();
    } catch {
      // Its file went with the directory.
    }
    this.lock = undefined;
    ctx.dir = undefined;
    this.health.clear();
    this.cursor.markDirty();
    return true;
  }

  /**
   * See `Spool.next`: undefined only when nothing is left (or the spool is closed); rejects with
   * `SpoolUnavailableError` while the directory cannot be opened or the disk refuses the read.
   * Called again within the back-off after such a rejection, it first waits (at most
   * {@link NEXT_RETRY_WAIT_MAX_MS}; `close()` ends the wait), so a caller retrying at once
   * does not spin.
   */
  async next(): Promise<Batch | undefined> {
    if (this.ctx.closed) return undefined;
    await this.waitOutBackoff();
    if (this.ctx.closed) return undefined;
    try {
      if (!this.ensureOpen()) {
        throw new SpoolUnavailableError('the spool directory cannot be opened', this.retryMs);
      }
      await this.recovery;
      this.reaper.expire();
      const batch = await this.leases.next();
      this.nextFailedAt = undefined;
      return batch;
    } catch (err) {
      if (isSpoolUnavailable(err)) this.nextFailedAt = this.ctx.now();
      throw err;
    }
  }

  private waitOutBackoff(): Promise<void> {
    if (this.nextFailedAt === undefined) return Promise.resolve();
    const ms = Math.min(NEXT_RETRY_WAIT_MAX_MS, this.nextFailedAt + this.retryMs - this.ctx.now());
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.nextWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.nextWaiters.add(done);
    });
  }

  ack(id: string): Promise<void> {
    return this.leases.ack(id);
  }

  release(id: string): void {
    this.leases.release(id);
  }

  quarantine(id: string, reason: string): Promise<void> {
    return this.leases.quarantine(id, reason);
  }

  /** Writes the cursor now if anything was acknowledged or evicted since the last write. */
  flushCursor(): Promise<void> {
    return this.cursor.flush();
  }

  async close(): Promise<void> {
    if (this.ctx.closed) return;
    this.ctx.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const wake of [...this.nextWaiters]) wake();
    this.writer.close();
    await this.recovery;
    await this.cursor.flushAtClose();
    try {
      this.lock?.release();
    } catch {
      // A stale lock is taken over by the next process.
    }
  }
}
