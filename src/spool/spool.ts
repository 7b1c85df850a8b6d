/**
 * The disk spool: an append-only log of export batches in segment files, an in-memory index
 * of their positions, and a cursor of what was acknowledged. This file is the facade: it opens
 * the directory, wires the parts together, runs the timers, owns the state they only read
 * (`dir`, `closed`), and hands batches out and settles them. The parts:
 *
 * - writer.ts: the segment files (appends, rotation, fdatasync, eviction, deletion);
 * - ledger.ts: the index of what is on disk, and the cursor of what was settled;
 * - recovery.ts: data of earlier processes (ours, and of dead siblings).
 *
 * Reading: `next()` leases the oldest live frame and reads it back; `ack`, `release` and
 * `quarantine` settle the lease. Frames that fail their checksum on read (or whose segment file
 * vanished) are reported lost as `corrupt`; a lease whose segment was evicted meanwhile (an
 * orphan) is reported under the eviction's reason when it is released. A read the disk refuses
 * releases the lease and rejects with `SpoolUnavailableError`.
 *
 * Recovery of an earlier process's data runs in the background: `open` never throws and never
 * waits for it.
 *
 * A directory removed while we run (`rm -rf`, a volume cleaned up) is noticed on the timers and
 * when a write fails: what was in it is reported lost (`corrupt`), and the directory is created
 * again, with its modes, as at open; the spool goes on in it.
 */
import { join } from 'node:path';
import type { Diag } from '../diag.js';
import { SpoolUnavailableError } from '../errors.js';
import { DiskHealth, errorCode, nodeSpoolFs, type SpoolFs } from './disk.js';
import { FRAMES_PER_SEGMENT, readFrame, segmentFiles, segmentHeader } from './format.js';
import {
  CursorKeeper,
  type Entry,
  readCursor,
  reportCorrupt,
  Segment,
  type SpoolContext,
  SpoolIndex,
} from './ledger.js';
import { HEARTBEAT_MS, type HeldLock, openDir } from './lock.js';
import type { SpoolConfig } from './options.js';
import { writeQuarantine } from './quarantine.js';
import { Recovery } from './recovery.js';
import type { SpoolBatch as Batch, Spool, SpoolAccounting, SpoolPending } from './types.js';
import { SegmentWriter } from './writer.js';

export interface OpenSpoolOptions extends SpoolConfig {
  /** Where the records the spool finds or loses are counted (`spoolAccounting` in batch/drops.ts). */
  accounting: SpoolAccounting;
  diag: Diag;
  /** File-system layer; tests inject failures here. Default: `node:fs`. */
  fs?: SpoolFs;
  now?: () => number;
  /** How long the disk is left alone after it refused a write. Default 5 s. */
  retryMs?: number;
}

export class DiskSpool implements Spool {
  readonly #ctx: SpoolContext;
  readonly #writer: SegmentWriter;
  readonly #cursor: CursorKeeper;
  readonly #recovery: Recovery;
  /** The directory this process writes; undefined until the disk let us open it. */
  #dir: string | undefined;
  #closed = false;
  #lock: HeldLock | undefined;
  /** The recovery of what an earlier process left; undefined until the directory is open. */
  #recovering: Promise<void> | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #ticks = 0;

  constructor(options: OpenSpoolOptions) {
    const { accounting, diag, now = Date.now, retryMs = 5_000 } = options;
    const self = this;
    this.#ctx = {
      cfg: options,
      fs: options.fs ?? nodeSpoolFs,
      accounting,
      diag,
      index: new SpoolIndex(),
      now,
      health: new DiskHealth(diag, now, retryMs),
      get dir() {
        return self.#dir;
      },
      get closed() {
        return self.#closed;
      },
    };
    // The keeper asks the writer for the cursor's upper bound only when it writes (after this).
    this.#cursor = new CursorKeeper(this.#ctx, () => this.#writer.nextSeq());
    this.#writer = new SegmentWriter(this.#ctx, this.#cursor);
    this.#recovery = new Recovery(this.#ctx, this.#writer);
    this.#ensureOpen();
  }

  /** The directory this process writes (the root, or a `proc-*` sub-directory). */
  get dir(): string | undefined {
    return this.#dir;
  }

  /** Resolves when the data of earlier processes is indexed (and counted as `recovered`). */
  whenRecovered(): Promise<void> {
    return this.#recovering ?? Promise.resolve();
  }

  get pending(): SpoolPending {
    return this.#ctx.index.pending;
  }

  /**
   * Opens the directory (again, after the disk refused); false while it cannot. All or nothing:
   * everything that can fail runs before anything is kept, and a failure releases the lock, so
   * a retry starts from scratch (same directory, no segment indexed twice).
   */
  #ensureOpen(): boolean {
    const ctx = this.#ctx;
    if (this.#dir !== undefined) return true;
    if (this.#closed || this.#ctx.health.isDown()) return false;
    let lock: HeldLock | undefined;
    try {
      const opened = openDir(ctx.fs, ctx.cfg.dir);
      lock = opened.lock;
      const dir = opened.dir;
      const cursor = readCursor(ctx.fs, dir);
      const found = this.#listSegmentFiles(dir);
      // Nothing below touches the disk: from here on, the open cannot half-fail.
      // New frames must not reuse a seq the cursor settles (recovery carries its out-of-order
      // part forward, also for segments deleted since): the writer starts after all of them.
      const settledTop = cursor.cursor.acked.reduce((m, s) => Math.max(m, s), cursor.cursor.ackedBelow);
      let maxNo = Math.floor(settledTop / FRAMES_PER_SEGMENT);
      for (const seg of found) {
        ctx.index.addSegment(seg);
        maxNo = Math.max(maxNo, seg.no);
      }
      this.#writer.continueAfter(maxNo);
      this.#dir = dir;
      this.#lock = lock;
      if (cursor.state === 'garbage') {
        ctx.diag.warn(
          'spool-cursor',
          'spool cursor unreadable; replaying from the oldest segment (duplicates possible)',
        );
      }
      if (dir !== ctx.cfg.dir)
        ctx.diag.info('spool-subdir', `spool root is locked by a live process; writing to ${dir}`);
      if (this.#timers.length === 0) this.#startTimers();
      this.#recovering = this.#recovery.recover(cursor.cursor).then(
        (complete) => (complete ? this.#afterRecovery() : undefined),
        (err) => ctx.diag.error('spool-recover', `spool recovery failed: ${(err as Error).message}`),
      );
      return true;
    } catch (err) {
      lock?.release();
      ctx.health.refused('open', err);
      return false;
    }
  }

  /** The segment files an earlier process left (unscanned: recovery reads them). Throws on disk errors. */
  #listSegmentFiles(dir: string): Segment[] {
    const { fs } = this.#ctx;
    return segmentFiles(fs, dir).map(({ name, no }) => {
      const file = join(dir, name);
      return new Segment(no, file, fs.statSync(file).size);
    });
  }

  /**
   * Looks for data left by dead siblings now and adopts it (this also runs after recovery and
   * about every 30 s). Resolves when the pass is over; never rejects.
   */
  adoptStale(): Promise<void> {
    return this.#cursor.isComplete ? this.#recovery.adopt() : Promise.resolve();
  }

  async #afterRecovery(): Promise<void> {
    this.#cursor.markComplete();
    await this.#cursor.flush();
    await this.#recovery.adopt();
  }

  #startTimers(): void {
    const { cfg, diag } = this.#ctx;
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(cfg.syncIntervalMs, () => {
      if (this.#dirRemoved()) this.#ensureOpen();
      this.#writer.syncInterval();
      void this.#cursor.flush();
    });
    every(HEARTBEAT_MS, () => {
      if (this.#dirRemoved()) this.#ensureOpen();
      try {
        if (this.#lock && !this.#lock.heartbeat())
          diag.warn('spool-lock', 'spool lock taken by another process');
      } catch (err) {
        this.#ctx.health.refused('heartbeat', err);
      }
      // Siblings die at any time: look for their data every 6 heartbeats (about 30 s).
      if (++this.#ticks % 6 === 0 && this.#cursor.isComplete) void this.#recovery.adopt();
    });
    every(Math.max(1000, Math.min(30_000, Math.floor(cfg.maxAgeMs / 4))), () => this.#writer.expire());
  }

  async append(batch: Batch): Promise<boolean> {
    if (!this.#write(batch, false)) return false;
    if (this.#ctx.cfg.durability === 'always' && !(await this.#writer.syncWritten())) {
      this.#ctx.diag.warn('spool-sync', 'spool fdatasync failed; the batch may not survive a power loss');
    }
    return true;
  }

  appendSync(batch: Batch): boolean {
    return this.#write(batch, true);
  }

  /** Writes for `append`, or (`syncNow`) for `appendSync`; a closed spool's writer refuses. */
  #write(batch: Batch, syncNow: boolean): boolean {
    // One stat per batch: a frame appended to the open segment of a removed directory would be
    // counted spooled, and be gone.
    this.#dirRemoved();
    // At exit the spill offers again the batches whose `append` has not resolved yet; `append`
    // wrote them before its first await (only the fdatasync under `always` is still running).
    // Written again they would be replayed twice. The directory check comes first: a batch
    // written into a directory removed since is lost (and reported), not held, and is written
    // again. A held one gets the synchronous sync its pending fdatasync would have given it.
    if (syncNow && this.#ctx.index.holds(batch.id)) {
      this.#writer.syncActive();
      return true;
    }
    if (!this.#ensureOpen()) return false;
    if (this.#writer.write(batch, this.#ctx.now(), syncNow)) return true;
    if (!this.#dirRemoved()) return false;
    // The directory was removed under us, and is now created again: one more try.
    return this.#ensureOpen() && this.#writer.write(batch, this.#ctx.now(), syncNow);
  }

  /**
   * True when the directory we write was removed: then what was in it is reported lost
   * (`corrupt`: the live records of every indexed segment; a segment recovery had not read yet
   * as a loss of unknown size), the lock and the active segment are let go, and the spool is
   * left to `ensureOpen`, which creates the directory again (modes included, as at start).
   */
  #dirRemoved(): boolean {
    const ctx = this.#ctx;
    const dir = this.#dir;
    if (dir === undefined || this.#closed) return false;
    try {
      ctx.fs.statSync(dir);
      return false;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') return false;
    }
    this.#writer.closeActive(false);
    let lost = 0;
    let unread = 0;
    for (const seg of [...ctx.index.segments]) {
      if (seg.scanned) lost += this.#writer.dropScanned(seg, 'corrupt');
      else {
        // Recovery finds it gone (ENOENT) and skips it; its records were never counted.
        ctx.index.removeSegment(seg);
        unread++;
      }
    }
    if (unread > 0) {
      reportCorrupt(
        ctx,
        unread,
        `spool: ${unread} unread segments of an earlier process vanished with ${dir}`,
        unread,
      );
    }
    ctx.diag.warn(
      'spool-dir-removed',
      `spool directory ${dir} was removed; ${lost + unread} records in it lost; creating it again`,
    );
    this.#lock?.release();
    this.#lock = undefined;
    this.#dir = undefined;
    this.#ctx.health.clear();
    this.#cursor.markDirty();
    return true;
  }

  /** See `Spool.next`. */
  async next(): Promise<Batch | undefined> {
    if (this.#closed) return undefined;
    if (!this.#ensureOpen()) {
      throw new SpoolUnavailableError('the spool directory cannot be opened', this.#ctx.health.retryMs);
    }
    await this.#recovering;
    this.#writer.expire();
    return this.#readNext();
  }

  /**
   * Leases and reads the oldest available frame; undefined when none is left (or the spool is
   * closed). Rejects with `SpoolUnavailableError` when the disk refused the read: nothing stays
   * leased, and the frame comes first again on a later call.
   */
  async #readNext(): Promise<Batch | undefined> {
    const ctx = this.#ctx;
    const { index } = ctx;
    for (;;) {
      if (this.#closed) return undefined;
      const e = index.firstAvailable();
      if (!e) return undefined;
      index.lease(e);
      let bytes: Uint8Array;
      try {
        bytes = await readRange(ctx.fs, e.seg.file, e.offset, e.length);
      } catch (err) {
        const orphan = index.takeOrphan(e.id, e);
        if (orphan) {
          // Evicted while we read it: it is gone, and reported as the eviction says.
          ctx.accounting.lost(orphan.reason, e.count);
          continue;
        }
        if (errorCode(err) === 'ENOENT') {
          // The segment file is gone (deleted by hand, or a purge): its frames cannot come back.
          await this.#settleCorrupt(e.id, 'spool segment file missing on read');
          continue;
        }
        index.release(e);
        ctx.health.refused('read', err);
        throw new SpoolUnavailableError(`read refused: ${errorCode(err)}`, ctx.health.retryMs, err);
      }
      const ev = readFrame(bytes, 0);
      if (ev.kind !== 'frame' || ev.frame.seq !== e.seq || ev.frame.id !== e.id) {
        await this.#settleCorrupt(e.id, 'spool frame corrupt on read');
        continue;
      }
      return { id: e.id, count: e.count, body: ev.body };
    }
  }

  async #settleCorrupt(id: string, why: string): Promise<void> {
    const { index, accounting, diag } = this.#ctx;
    const e = index.takeOrphan(id)?.entry ?? index.leasedEntry(id);
    if (!e) return;
    accounting.lost('corrupt', e.count);
    diag.warn('spool-corrupt', `${why}; ${e.count} records dropped`);
    await this.#settled(e);
  }

  /**
   * `e` is done: the cursor must say so (written before the caller goes on under `always`, so
   * the next process does not hand it out, or count it, again), and its segment may go.
   */
  async #settled(e: Entry): Promise<void> {
    this.#ctx.index.settle(e);
    this.#cursor.markDirty();
    this.#writer.maybeDelete(e.seg);
    if (this.#ctx.cfg.durability === 'always') await this.#cursor.flush();
  }

  async ack(id: string): Promise<void> {
    const { index } = this.#ctx;
    if (index.takeOrphan(id)) return;
    const e = index.leasedEntry(id);
    if (e) await this.#settled(e);
  }

  release(id: string): void {
    const { index, accounting } = this.#ctx;
    const orphan = index.takeOrphan(id);
    if (orphan) accounting.lost(orphan.reason, orphan.entry.count);
    else {
      const e = index.leasedEntry(id);
      if (e) index.release(e);
    }
  }

  async quarantine(id: string, reason: string): Promise<void> {
    const ctx = this.#ctx;
    const dir = this.#dir;
    // The batch stage counts the records (`rejected`); the spool only moves the bytes aside.
    if (ctx.index.takeOrphan(id)) return;
    const e = ctx.index.leasedEntry(id);
    if (!e || !dir) return;
    try {
      const frame = await readRange(ctx.fs, e.seg.file, e.offset, e.length);
      const name = `${String(ctx.now()).padStart(15, '0')}-${e.seq}.seg`;
      const note = { id: e.id, count: e.count, ts: e.ts, reason: reason.slice(0, 200), at: ctx.now() };
      writeQuarantine(ctx, dir, name, Buffer.concat([segmentHeader(), frame]), note);
    } catch (err) {
      ctx.health.refused('quarantine', err);
    }
    ctx.diag.warn(
      'spool-quarantine',
      `spool batch refused by the backend (${reason.slice(0, 80)}); quarantined`,
    );
    await this.#settled(e);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#writer.syncActive();
    this.#writer.closeActive(false);
    await this.#recovering;
    await this.#cursor.flush(true);
    this.#lock?.release();
  }
}

/**
 * Opens (or creates) a spool directory. Synchronous and never throws: when the disk refuses,
 * the spool warns once, `append` resolves false and the disk is retried later. Data left by an
 * earlier process is recovered in the background (`whenRecovered()`).
 */
export function openSpool(options: OpenSpoolOptions): DiskSpool {
  return new DiskSpool(options);
}

/** Reads up to `length` bytes at `offset` (fewer when the file is shorter). */
async function readRange(fs: SpoolFs, file: string, offset: number, length: number): Promise<Uint8Array> {
  const fh = await fs.promises.open(file, 'r');
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
