/**
 * Handing batches out and settling them: `next()` leases the oldest live frame and reads it
 * back; `ack`, `release` and `quarantine` settle the lease. Frames that fail their checksum on
 * read (or whose segment file vanished) are reported lost as `corrupt` here; a lease whose
 * segment was evicted meanwhile (an orphan) is reported under the eviction's reason when it is
 * released. A read the disk refuses releases the lease and rejects with `SpoolUnavailableError`.
 */
import { SpoolUnavailableError } from '../errors.js';
import { errorCode, type SpoolFs } from './disk.js';
import { readFrame, segmentHeader } from './format.js';
import type { CursorKeeper, Entry, SpoolContext } from './ledger.js';
import { writeQuarantine } from './quarantine.js';
import type { SpoolBatch as Batch } from './types.js';
import type { SegmentWriter } from './writer.js';

export class SpoolReader {
  readonly #ctx: SpoolContext;
  /** Deletes a segment once nothing in it is open. */
  readonly #writer: Pick<SegmentWriter, 'maybeDelete'>;
  readonly #cursor: Pick<CursorKeeper, 'markDirty' | 'flush'>;

  constructor(
    ctx: SpoolContext,
    writer: Pick<SegmentWriter, 'maybeDelete'>,
    cursor: Pick<CursorKeeper, 'markDirty' | 'flush'>,
  ) {
    this.#ctx = ctx;
    this.#writer = writer;
    this.#cursor = cursor;
  }

  /**
   * Leases and reads the oldest available frame; undefined when none is left (or the spool is
   * closed). Rejects with `SpoolUnavailableError` when the disk refused the read: nothing stays
   * leased, and the frame comes first again on a later call.
   */
  async next(): Promise<Batch | undefined> {
    const ctx = this.#ctx;
    const { index } = ctx;
    for (;;) {
      if (ctx.closed) return undefined;
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
        ctx.diskError('read', err);
        throw new SpoolUnavailableError(`read refused: ${errorCode(err)}`, ctx.retryMs, err);
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
    // The batch stage counts the records (`rejected`); the spool only moves the bytes aside.
    if (ctx.index.takeOrphan(id)) return;
    const e = ctx.index.leasedEntry(id);
    if (!e || !ctx.dir) return;
    try {
      const frame = await readRange(ctx.fs, e.seg.file, e.offset, e.length);
      const name = `${String(ctx.now()).padStart(15, '0')}-${e.seq}.seg`;
      const note = { id: e.id, count: e.count, ts: e.ts, reason: reason.slice(0, 200), at: ctx.now() };
      writeQuarantine(ctx, ctx.dir, name, Buffer.concat([segmentHeader(), frame]), note);
    } catch (err) {
      ctx.diskError('quarantine', err);
    }
    ctx.diag.warn(
      'spool-quarantine',
      `spool batch refused by the backend (${reason.slice(0, 80)}); quarantined`,
    );
    await this.#settled(e);
  }
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
