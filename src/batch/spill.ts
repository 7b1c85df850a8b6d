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

export interface SpillDeps {
  spool: Spool | undefined;
  counters: Counters;
  drops: Drops;
  /** Records and bytes (`memoryOf`) on their way to disk at once. */
  budget: { records: number; bytes: number };
  /** A spill finished (memory went down). */
  onSettled: () => void;
  /** A batch landed on disk. */
  onAppended: () => void;
}

export interface Spill {
  /** True when `batch` may start its way to disk within the budget. */
  hasRoom(batch: Batch): boolean;
  /** Appends `batch`, or drops it as `fallback` when there is no spool. Never rejects. */
  toDisk(batch: Batch, fallback: DropReason): Promise<void>;
  /** Synchronous append (`process.exit()` path), or drop as `fallback`. */
  toDiskSync(batch: Batch, fallback: DropReason): void;
  /** Re-writes synchronously the spills still waiting for the disk (the process is going away). */
  flushSync(): void;
  /** Resolves when no spill is in progress. */
  idle(): Promise<void>;
  /** Later spills are dropped with their fallback reason. */
  close(): void;
  /** Records on their way to disk. */
  readonly records: number;
}

interface InProgress {
  batch: Batch;
  done: boolean;
  promise?: Promise<void>;
}

export function createSpill(deps: SpillDeps): Spill {
  const { spool, counters, drops } = deps;
  const inProgress = new Set<InProgress>();
  let records = 0;
  let bytes = 0;
  let closed = false;

  function landed(batch: Batch, ok: boolean): void {
    if (ok) {
      counters.queued -= batch.count;
      counters.spooled += batch.count;
      deps.onAppended();
    } else {
      drops.fromQueue('disk_error', batch.count, batch);
    }
  }

  function dropAs(batch: Batch, reason: DropReason): void {
    drops.fromQueue(reason, batch.count, batch);
  }

  function appendSync(batch: Batch): boolean {
    try {
      return spool!.appendSync(batch);
    } catch {
      return false;
    }
  }

  return {
    hasRoom(batch) {
      return (
        spool !== undefined &&
        !closed &&
        records + batch.count <= deps.budget.records &&
        bytes + memoryOf(batch.body) <= deps.budget.bytes
      );
    },
    toDisk(batch, fallback) {
      if (!spool || closed) {
        dropAs(batch, fallback);
        return Promise.resolve();
      }
      const entry: InProgress = { batch, done: false };
      inProgress.add(entry);
      records += batch.count;
      bytes += memoryOf(batch.body);
      entry.promise = spool
        .append(batch)
        .catch(() => false)
        .then((ok) => {
          inProgress.delete(entry);
          records -= batch.count;
          bytes -= memoryOf(batch.body);
          if (entry.done) return;
          entry.done = true;
          landed(batch, ok);
          deps.onSettled();
        });
      return entry.promise;
    },
    toDiskSync(batch, fallback) {
      if (!spool || closed) dropAs(batch, fallback);
      else landed(batch, appendSync(batch));
    },
    flushSync() {
      for (const entry of inProgress) {
        if (entry.done) continue;
        entry.done = true;
        // The async append may land too: a duplicate with the same batch id, which the
        // backend can de-duplicate. Losing it instead is worse.
        if (spool && !closed) landed(entry.batch, appendSync(entry.batch));
        else dropAs(entry.batch, 'shutdown');
      }
    },
    async idle() {
      while (inProgress.size > 0) await Promise.all([...inProgress].map((e) => e.promise));
    },
    close() {
      closed = true;
    },
    get records() {
      return records;
    },
  };
}
