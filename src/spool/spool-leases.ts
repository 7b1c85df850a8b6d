/**
 * Handing batches out and settling them: `next()` leases the oldest live frame and reads it
 * back; `ack`, `release` and `quarantine` settle the lease. Frames that fail their checksum on
 * read (or whose segment file vanished) are dropped as `corrupt` here; a lease whose segment
 * was evicted meanwhile (an orphan) is counted under the eviction's reason when it is released.
 * A read the disk refuses releases the lease and rejects with `SpoolUnavailableError`.
 */
import { SpoolUnavailableError } from './errors.js';
import { readFrame, segmentHeader } from './format.js';
import { errorCode, readRange } from './fs.js';
import { writeQuarantine } from './quarantine.js';
import type { SpoolContext } from './spool-context.js';
import type { SegmentState } from './spool-index.js';
import type { SpoolBatch as Batch } from './types.js';

export interface LeaseHooks {
  /** A segment may have no open entries left: delete it if so. */
  maybeDelete(seg: SegmentState): void;
  /** An entry is done: the cursor must be rewritten. */
  cursorChanged(): void;
  /** Writes the cursor now (under `always`, before an ack resolves). */
  flushCursor(): Promise<void>;
}

export class SpoolLeases {
  constructor(
    private readonly ctx: SpoolContext,
    private readonly hooks: LeaseHooks,
  ) {}

  /**
   * Leases and reads the oldest available frame; undefined when none is left (or the spool is
   * closed). Rejects with `SpoolUnavailableError` when the disk refused the read: nothing stays
   * leased, and the frame comes first again on a later call.
   */
  async next(): Promise<Batch | undefined> {
    const { ctx } = this;
    const { index, counters } = ctx;
    for (;;) {
      if (ctx.closed) return undefined;
      const e = index.firstAvailable();
      if (!e) return undefined;
      index.lease(e);
      let bytes: Uint8Array;
      try {
        bytes = await readRange(ctx.fs, e.seg.file, e.offset, e.length);
      } catch (err) {
        const orphan = index.orphans.get(e.id);
        if (orphan?.entry === e) {
          // Evicted while we read it: it is gone, and counted as the eviction says.
          index.orphans.delete(e.id);
          counters.spooled -= e.count;
          counters.drop(orphan.reason, e.count);
          continue;
        }
        if (errorCode(err) === 'ENOENT') {
          // The segment file is gone (deleted by hand, or a purge): its frames cannot come back.
          this.settleCorrupt(e.id, 'spool segment file missing on read');
          if (ctx.cfg.durability === 'always') await this.hooks.flushCursor();
          continue;
        }
        index.release(e);
        ctx.diskError('read', err);
        throw new SpoolUnavailableError(`read refused: ${errorCode(err)}`, ctx.retryMs, err);
      }
      const ev = readFrame(bytes, 0);
      if (ev.kind !== 'frame' || ev.frame.seq !== e.seq || ev.frame.id !== e.id) {
        this.settleCorrupt(e.id, 'spool frame corrupt on read');
        // Like an ack: under `always` the next process must not find (and count) it again.
        if (ctx.cfg.durability === 'always') await this.hooks.flushCursor();
        continue;
      }
      return { id: e.id, count: e.count, body: ev.body };
    }
  }

  private settleCorrupt(id: string, why: string): void {
    const { index, counters, diag } = this.ctx;
    const orphan = index.orphans.get(id);
    const e = orphan?.entry ?? index.leased.get(id);
    if (!e) return;
    index.orphans.delete(id);
    index.settle(e);
    counters.spooled -= e.count;
    counters.drop('corrupt', e.count);
    this.hooks.cursorChanged();
    this.hooks.maybeDelete(e.seg);
    diag.warn('spool-corrupt', `${why}; ${e.count} records dropped`);
  }

  async ack(id: string): Promise<void> {
    const { index } = this.ctx;
    if (index.orphans.delete(id)) return;
    const e = index.leased.get(id);
    if (!e) return;
    index.settle(e);
    this.hooks.cursorChanged();
    this.hooks.maybeDelete(e.seg);
    if (this.ctx.cfg.durability === 'always') await this.hooks.flushCursor();
  }

  release(id: string): void {
    const { index, counters } = this.ctx;
    const orphan = index.orphans.get(id);
    if (orphan) {
      index.orphans.delete(id);
      counters.spooled -= orphan.entry.count;
      counters.drop(orphan.reason, orphan.entry.count);
      return;
    }
    const e = index.leased.get(id);
    if (e) index.release(e);
  }

  async quarantine(id: string, reason: string): Promise<void> {
    const { ctx } = this;
    // The batch stage counts the records (`rejected`); the spool only moves the bytes aside.
    if (ctx.index.orphans.delete(id)) return;
    const e = ctx.index.leased.get(id);
    if (!e || !ctx.dir) return;
    try {
      const frame = await readRange(ctx.fs, e.seg.file, e.offset, e.length);
      const name = `${String(ctx.now()).padStart(15, '0')}-${e.seq}.seg`;
      const note = { id: e.id, count: e.count, ts: e.ts, reason: reason.slice(0, 200), at: ctx.now() };
      writeQuarantine(
        ctx.fs,
        ctx.dir,
        name,
        Buffer.concat([segmentHeader(), frame]),
        note,
        ctx.cfg.quarantineMaxBytes,
      );
    } catch (err) {
      ctx.diskError('quarantine', err);
    }
    ctx.index.settle(e);
    this.hooks.cursorChanged();
    this.hooks.maybeDelete(e.seg);
    ctx.diag.warn(
      'spool-quarantine',
      `spool batch refused by the backend (${reason.slice(0, 80)}); quarantined`,
    );
    if (ctx.cfg.durability === 'always') await this.hooks.flushCursor();
  }
}
