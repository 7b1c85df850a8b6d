/**
 * Removing segments from disk: eviction (over `spool.maxBytes`, older than `spool.maxAge`) with
 * its accounting, and deletion of segments nothing refers to any more.
 *
 * Accounting: an evicted segment's live records are counted `spooled -= n; dropped[reason] += n`;
 * leased ones become orphans and are counted when the caller settles them (see spool-index.ts).
 */
import type { DropReason } from '../stats.js';
import { errorCode } from './fs.js';
import type { SpoolContext } from './spool-context.js';
import type { SegmentState } from './spool-index.js';

/** The part of the segment writer eviction must respect: the active segment is closed first. */
export interface ActiveSegmentOwner {
  readonly activeSeg: SegmentState | undefined;
  closeActive(sync: boolean): void;
}

export class SegmentReaper {
  constructor(
    private readonly ctx: SpoolContext,
    private readonly writer: ActiveSegmentOwner,
    /** The cursor must be rewritten: evicted entries are done. */
    private readonly cursorChanged: () => void,
  ) {}

  /** Evicts a whole segment, counting its records under `reason`. */
  evictSegment(seg: SegmentState, reason: DropReason): void {
    if (seg === this.writer.activeSeg) this.writer.closeActive(false);
    if (!seg.scanned) {
      // Recovery reads it first so its records are counted, then deletes it.
      seg.evictAfterScan = reason;
      this.ctx.index.removeSegment(seg);
      return;
    }
    this.dropScanned(seg, reason);
    this.cursorChanged();
  }

  /**
   * Evicts a segment whose entries are known, deletes its file and counts the records. Recovery
   * calls it directly for a segment evicted before it was read (the cursor is not written yet).
   */
  dropScanned(seg: SegmentState, reason: DropReason): void {
    const { index, counters, diag } = this.ctx;
    const n = index.evict(seg, reason);
    counters.spooled -= n;
    counters.drop(reason, n);
    this.unlink(seg.file);
    if (n > 0) diag.warn(`spool-${reason}`, `spool evicted ${n} records (${reason})`);
  }

  /** Evicts every segment whose newest record is older than `spool.maxAge`. */
  expire(): void {
    const limit = this.ctx.now() - this.ctx.cfg.maxAgeMs;
    for (const seg of [...this.ctx.index.segments]) {
      if (seg.scanned && seg.entries.length > 0 && seg.newestTs < limit) this.evictSegment(seg, 'expired');
    }
  }

  /** Deletes a segment once it is closed, read, and holds nothing live or leased. */
  maybeDelete(seg: SegmentState): void {
    const { index } = this.ctx;
    if (
      seg.closed &&
      seg.scanned &&
      seg.open === 0 &&
      seg !== this.writer.activeSeg &&
      index.segments.includes(seg)
    ) {
      index.removeSegment(seg);
      this.unlink(seg.file);
    }
  }

  /** Deletes a file; already gone is fine, anything else is a disk error. */
  unlink(file: string): void {
    try {
      this.ctx.fs.unlinkSync(file);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') this.ctx.diskError('unlink', err);
    }
  }
}
