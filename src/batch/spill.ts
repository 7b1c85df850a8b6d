/**
 * Hands batches to the spool and moves their counters once the disk has answered:
 * `queued -= n; spooled += n` on success, `dropped.disk_error` when the disk refused.
 * Without a spool (or after it closed) the batch is dropped with the caller's reason.
 *
 * Batches on their way to disk are still in memory; overflow spills are limited by a budget
 * (the queue's size) so a disk slower than the app cannot grow memory without bound. Bytes are
 * measured as the memory queue measures them: what a body keeps alive (`memoryOf`).
 */
import type { Batch } from '../export/types.js';
import type { Spool } from '../spool/types.js';
import type { Counters, DropReason } from '../stats.js';
import { memoryOf } from './body-pool.js';
import type { Drops } from './drops.js';

/** What the pipeline hears of spills. */
interface SpillEvents {
  /** A spill finished (memory went down). */
  settled(): void;
  /** A batch landed on disk. */
  appended(): void;
}

export class Spill {
  readonly #spool: Spool | undefined;
  readonly #counters: Counters;
  readonly #drops: Drops;
  /** Records and bytes (`memoryOf`) on their way to disk at once. */
  readonly #budget: { records: number; bytes: number };
  readonly #events: SpillEvents;
  /** Batches on their way to disk, each with its append; a batch leaves once it is counted. */
  readonly #inProgress = new Map<Batch, Promise<void>>();
  #records = 0;
  #bytes = 0;
  #closed = false;

  constructor(
    spool: Spool | undefined,
    counters: Counters,
    drops: Drops,
    budget: { records: number; bytes: number },
    events: SpillEvents,
  ) {
    this.#spool = spool;
    this.#counters = counters;
    this.#drops = drops;
    this.#budget = budget;
    this.#events = events;
  }

  /** Records on their way to disk. */
  get records(): number {
    return this.#records;
  }

  /** True when `batch` may start its way to disk within the budget. */
  hasRoom(batch: Batch): boolean {
    return (
      this.#spool !== undefined &&
      !this.#closed &&
      this.#records + batch.count <= this.#budget.records &&
      this.#bytes + memoryOf(batch.body) <= this.#budget.bytes
    );
  }

  /** Appends `batch`, or drops it as `fallback` when there is no spool. Never rejects. */
  toDisk(batch: Batch, fallback: DropReason): Promise<void> {
    const spool = this.#spool;
    if (!spool || this.#closed) {
      this.#drops.drop(fallback, batch.count, 'queued', batch);
      return Promise.resolve();
    }
    this.#records += batch.count;
    this.#bytes += memoryOf(batch.body);
    const promise = spool
      .append(batch)
      .catch(() => false)
      .then((ok) => {
        this.#records -= batch.count;
        this.#bytes -= memoryOf(batch.body);
        // Not in progress any more: `flushSync` counted it at exit.
        if (!this.#inProgress.delete(batch)) return;
        this.#landed(batch, ok);
        this.#events.settled();
      });
    this.#inProgress.set(batch, promise);
    return promise;
  }

  /** Synchronous append (`process.exit()` path), or drop as `fallback`. */
  toDiskSync(batch: Batch, fallback: DropReason): void {
    if (!this.#spool || this.#closed) this.#drops.drop(fallback, batch.count, 'queued', batch);
    else this.#landed(batch, this.#appendSync(batch));
  }

  /** Settles synchronously the spills still waiting for the disk (the process is going away). */
  flushSync(): void {
    for (const batch of this.#inProgress.keys()) {
      this.#inProgress.delete(batch);
      // The spool holds it already unless its write was refused (`appendSync` does not write
      // a held batch twice): this counts it, and retries a refused one.
      this.toDiskSync(batch, 'shutdown');
    }
  }

  /** Resolves when no spill is in progress. */
  async idle(): Promise<void> {
    while (this.#inProgress.size > 0) await Promise.all(this.#inProgress.values());
  }

  /** Later spills are dropped with their fallback reason. */
  close(): void {
    this.#closed = true;
  }

  #landed(batch: Batch, ok: boolean): void {
    if (ok) {
      this.#counters.spilled(batch.count);
      this.#events.appended();
    } else {
      this.#drops.drop('disk_error', batch.count, 'queued', batch);
    }
  }

  #appendSync(batch: Batch): boolean {
    try {
      return this.#spool!.appendSync(batch);
    } catch {
      return false;
    }
  }
}
