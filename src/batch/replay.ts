/**
 * Replay from the spool: oldest batch first, one at a time, only while the exporter says the
 * backend is healthy. The pipeline decides when a replay may take a slot (interleaved with
 * live batches so fresh logs are not starved); this module runs one replay and moves the
 * counters per the contract in `src/spool/types.ts`:
 * - delivered: `spooled -= n; exported += n`, then `ack`;
 * - refused for good (4xx): `spooled -= n; dropped[reason] += n`, then `quarantine`;
 * - not delivered now: `release` (stays spooled), and replay pauses for `retryMs`;
 * - mixed (413 split): undelivered parts are appended as new batches, then the original is acked.
 */
import type { Diag } from '../diag.js';
import type { Exporter, ExportOutcome } from '../export/types.js';
import type { ReplayPacer } from '../spool/pacer.js';
import type { Spool } from '../spool/types.js';
import type { Counters, DropReason } from '../stats.js';

export interface ReplayerDeps {
  spool: Spool;
  exporter: Exporter;
  counters: Counters;
  diag: Diag;
  /** Pause after a failed replay, and polling interval while the exporter is unhealthy. */
  retryMs: number;
  /** Replay rate limit (requests and bytes per second); none when absent. */
  pacer?: ReplayPacer;
  /** Called when a replay ends or the pause is over: the pipeline re-runs its dispatch. */
  wake: () => void;
  now?: () => number;
}

export interface Replayer {
  /** True while a replay is running (it occupies one concurrency slot). */
  readonly active: boolean;
  /** True when a replay may start now. Arms a wake-up timer when it is only waiting for time or health. */
  ready(): boolean;
  /** Starts one replay. Call only when `ready()`. */
  start(): void;
  /** Something was appended: the spool has data again. */
  noteAppended(): void;
  /** Aborts a running replay (it is released, not lost) and starts no more. Resolves when idle. */
  stop(): Promise<void>;
}

export function createReplayer(deps: ReplayerDeps): Replayer {
  const { spool, exporter, counters, diag } = deps;
  const now = deps.now ?? Date.now;
  // Assume data until `next()` says otherwise: an earlier process may have left batches.
  let hasData = true;
  let running: Promise<void> | undefined;
  let pausedUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let controller: AbortController | undefined;

  function arm(ms: number): void {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      deps.wake();
    }, ms);
    timer.unref();
  }

  async function settle(id: string, outcome: ExportOutcome): Promise<void> {
    let dropped = 0;
    for (const n of Object.values(outcome.dropped)) dropped += n ?? 0;
    if (outcome.exported === 0 && dropped === 0) {
      spool.release(id);
      pausedUntil = now() + deps.retryMs;
      arm(deps.retryMs);
      return;
    }
    counters.spooled -= outcome.exported;
    counters.exported += outcome.exported;
    for (const [reason, n] of Object.entries(outcome.dropped)) {
      counters.spooled -= n ?? 0;
      counters.drop(reason as DropReason, n ?? 0);
    }
    if (outcome.exported === 0 && outcome.undelivered.length === 0) {
      await spool.quarantine(id, Object.keys(outcome.dropped).join(',') || 'rejected');
      return;
    }
    // Keep the parts that did not go through before letting go of the original.
    for (const part of outcome.undelivered) {
      let ok = false;
      try {
        ok = await spool.append(part);
      } catch {
        ok = false;
      }
      if (!ok) {
        counters.spooled -= part.count;
        counters.drop('disk_error', part.count);
        diag.warn('spool-append', `could not re-spool ${part.count} records after a partial replay`);
      }
    }
    await spool.ack(id);
  }

  async function run(): Promise<void> {
    const batch = await spool.next();
    if (!batch) {
      hasData = false;
      return;
    }
    if (stopped) {
      spool.release(batch.id);
      return;
    }
    controller = new AbortController();
    const outcome = await exporter.export(batch, { signal: controller.signal });
    controller = undefined;
    await settle(batch.id, outcome);
  }

  return {
    get active() {
      return running !== undefined;
    },
    ready() {
      if (stopped || running || !hasData) return false;
      const wait = pausedUntil - now();
      if (wait > 0) {
        arm(wait);
        return false;
      }
      if (!exporter.healthy) {
        arm(deps.retryMs);
        return false;
      }
      if (deps.pacer) {
        // The pacer is asked before the slot is taken, so a paced replay never holds a live slot.
        const p = spool.pending;
        const paced = deps.pacer.delayFor(p.batches > 0 ? Math.ceil(p.bytes / p.batches) : 0);
        if (paced > 0) {
          arm(paced);
          return false;
        }
      }
      return true;
    },
    start() {
      running = run()
        .catch((err) => diag.error('replay', `replay failed: ${(err as Error).message}`))
        .finally(() => {
          running = undefined;
          if (!stopped) deps.wake();
        });
    },
    noteAppended() {
      hasData = true;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      controller?.abort();
      await running;
    },
  };
}
