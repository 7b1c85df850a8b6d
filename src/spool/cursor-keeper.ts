import { writeCursor, writeCursorSync } from './cursor.js';
import type { SpoolContext } from './spool-context.js';

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

  /** The timer's flush: only when something changed. */
  flushIfDirty(): void {
    if (this.#dirty) void this.flush();
  }

  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    const { fs, dir, index, cfg } = this.#ctx;
    if (!this.#complete || !this.#dirty || !dir) return;
    this.#dirty = false;
    const p = writeCursor(fs, dir, index.cursor(this.#nextSeq()), cfg.durability !== 'none').catch((err) => {
      this.#dirty = true;
      this.#ctx.diskError('cursor', err);
    });
    this.#writing = p.finally(() => {
      this.#writing = undefined;
    });
    await this.#writing;
  }

  /** At close: waits for a write in progress, then writes the last cursor synchronously. */
  async flushAtClose(): Promise<void> {
    while (this.#writing) await this.#writing;
    const { fs, dir, index, cfg } = this.#ctx;
    if (!this.#complete || !this.#dirty || !dir) return;
    try {
      writeCursorSync(fs, dir, index.cursor(this.#nextSeq()), cfg.durability !== 'none');
    } catch (err) {
      this.#ctx.diskError('cursor', err);
    }
  }
}
