/**
 * Keeps the on-disk cursor in step with the index: marks it dirty on every ack/eviction, writes
 * it (one write at a time, atomically) on a timer or per ack under `always`, and once more,
 * synchronously, at close.
 */
import { writeCursor, writeCursorSync } from './cursor.js';
import type { SpoolContext } from './spool-context.js';

export class CursorKeeper {
  /**
   * False until recovery has read every segment: before that the index does not know all seqs,
   * so writing a cursor would forget acks of an earlier process. The old cursor stays.
   */
  private complete = false;
  private dirty = false;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly ctx: SpoolContext,
    /** The writer's next seq: the cursor's upper bound when nothing is open. */
    private readonly nextSeq: () => number,
  ) {}

  /** Recovery indexed everything: the cursor may be written (and is, at the next flush). */
  markComplete(): void {
    this.complete = true;
    this.dirty = true;
  }

  get isComplete(): boolean {
    return this.complete;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** The timer's flush: only when something changed. */
  flushIfDirty(): void {
    if (this.dirty) void this.flush();
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.complete || !this.dirty || !this.ctx.dir) return;
    this.dirty = false;
    const { fs, dir, index, cfg } = this.ctx;
    const cursor = index.cursor(this.nextSeq());
    const p = writeCursor(fs, dir, cursor, cfg.durability !== 'none').catch((err) => {
      this.dirty = true;
      this.ctx.diskError('cursor', err);
    });
    this.writing = p.finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  /** At close: waits for a write in progress, then writes the last cursor synchronously. */
  async flushAtClose(): Promise<void> {
    while (this.writing) await this.writing;
    const { fs, dir, index, cfg } = this.ctx;
    if (this.complete && this.dirty && dir) {
      try {
        writeCursorSync(fs, dir, index.cursor(this.nextSeq()), cfg.durability !== 'none');
      } catch (err) {
        this.ctx.diskError('cursor', err);
      }
    }
  }
}
