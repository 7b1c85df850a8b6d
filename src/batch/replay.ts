/**
 * Replay from the spool: oldest batch first, one at a time, only while the exporter says the
 * backend is healthy. The pipeline decides when a replay may take a slot (interleaved with
 * live batches so fresh logs are not starved); this module runs one replay and moves the
 * counters per the contract in `src/spool/types.ts`:
 * - delivered: `spooled -= n; exported += n`, then `ack`;
 * - refused for good (4xx): `spooled -= n; dropped[reason] += n`, then `quarantine`;
 * - not delivered now: `release` (stays spooled), and replay pauses for `retryMs`;
 * - mixed (413 split): undelivered parts are appended as new batches, then the original is acked.
 *
 * A leased batch is never left stuck: if replaying it throws before its records were counted
 * (the exporter or `release` failing), the lease is released in a `finally` and replay pauses
 * for `retryMs`. Once its records are counted, the batch must leave the disk: a rejecting
 * `ack` / `quarantine` is retried after `retryMs` (before any new batch is leased) until it
 * succeeds, rather than released, which would replay and count the records a second time.
 * A spool that cannot tell whether it holds anything (`next()` rejects, `SpoolUnavailableError`)
 * is not "empty": replay pauses and asks again, so spooled data never waits for the next append.
 */
import type { Diag } from '../diag.js';
import type { Batch, Exporter, ExportOutcome } from '../export/types.js';
import { isSpoolUnavailable } from '../spool/errors.js';
import type { ReplayPacer } from '../spool/pacer.js';
import type { Spool } from '../spool/types.js';
import type { Counters, DropReason } from '../stats.js';
import { createDrops, type Drops } from './drops.js';

/** Longest pause a spool's `retryAfterMs` hint may ask for. */
const MAX_UNAVAILABLE_PAUSE_MS = 60_000;

export interface ReplayerDeps {
  spool: Spool;
  exporter: Exporter;
  counters: Counters;
  /** Where drops are counted (the pipeline's); default: one of its own over `counters`. */
  drops?: Drops;
  diag: Diag;
  /** Pause after a failed replay, and polling interval while the exporter is unhealthy. */
  retryMs: number;
  /** Replay rate limit (requests and bytes per second); none when absent. */
  pacer?: ReplayPacer;
  /** Called when a replay ends or the pause is over: the pipeline re-runs its dispatch. */
  wake: () => void;
  /** Called with `true` when a replay delivered records (the backend is up). */
  delivering?: (ok: boolean) => void;
  now?: () => number;
}

/**
 * How a {@link Replayer.drain} ended: the spool is `empty`; a replay left records undelivered
 * (`failed`) or the exporter reports the backend down (`unhealthy`); the deadline passed
 * (`deadline`); or the replayer was stopped.
 */
export type DrainResult = 'empty' | 'failed' | 'unhealthy' | 'deadline' | 'stopped';

export interface Replayer {
  /** True while a replay is running (it occupies one concurrency slot). */
  readonly active: boolean;
  /** True when a replay may start now. Arms a wake-up timer when it is only waiting for time or health. */
  ready(): boolean;
  /** Starts one replay. Call only when `ready()`. */
  start(): void;
  /** Something was appended: the spool has data again. */
  noteAppended(): void;
  /**
   * Replays the backlog now, one batch after another, until the spool is empty, the backend
   * stops taking it, or `timeoutMs` passes (the replay in flight is then aborted and released:
   * it stays spooled). For `flush()` and `shutdown()`: a short-lived process (a Job, a CLI)
   * must not leave an earlier run's backlog behind while the backend is up. Ignores the
   * replay rate limit and the pause after a failure (bounded by the deadline instead), not
   * the exporter's health.
   */
  drain(timeoutMs: number): Promise<DrainResult>;
  /** Aborts a running replay (it is released, not lost) and starts no more. Resolves when idle. */
  stop(): Promise<void>;
}

export function createReplayer(deps: ReplayerDeps): Replayer {
  const { spool, exporter, counters, diag } = deps;
  const drops = deps.drops ?? createDrops({ counters, diag });
  const now = deps.now ?? Date.now;
  // Assume data until `next()` says otherwise: an earlier process may have left batches.
  let hasData = true;
  let running: Promise<unknown> | undefined;
  let pausedUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let controller: AbortController | undefined;
  /** Counted batches whose `ack` / `quarantine` rejected: retried before the next lease. */
  const unsettled: Array<{ id: string; op: () => Promise<void> }> = [];

  function arm(ms: number): void {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      deps.wake();
    }, ms);
    timer.unref();
  }

  function pause(ms: number): void {
    pausedUntil = now() + ms;
    arm(ms);
  }

  /** Moves the counters for a replay's outcome; false when it left records undelivered. */
  async function settle(id: string, outcome: ExportOutcome): Promise<boolean> {
    let dropped = 0;
    for (const n of Object.values(outcome.dropped)) dropped += n ?? 0;
    if (outcome.exported === 0 && dropped === 0) {
      deps.delivering?.(false);
      spool.release(id);
      pause(deps.retryMs);
      return false;
    }
    counters.spooled -= outcome.exported;
    counters.exported += outcome.exported;
    if (outcome.exported > 0) deps.delivering?.(true);
    for (const [reason, n] of Object.entries(outcome.dropped)) drops.fromSpool(reason as DropReason, n ?? 0);
    // The records are counted now: whatever the disk says, this batch must not replay again.
    if (outcome.exported === 0 && outcome.undelivered.length === 0) {
      const reason = Object.keys(outcome.dropped).join(',') || 'rejected';
      await finish(id, () => spool.quarantine(id, reason));
      return true;
    }
    // Keep the parts that did not go through before letting go of the original.
    for (const part of outcome.undelivered) {
      let ok = false;
      try {
        ok = await spool.append(part);
      } catch {
        ok = false;
      }
      if (!ok) drops.fromSpool('disk_error', part.count);
    }
    await finish(id, () => spool.ack(id));
    return outcome.undelivered.length === 0;
  }

  /** Runs a counted batch's `ack` / `quarantine`; on a rejection keeps it for a retry. */
  async function finish(id: string, op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      unsettled.push({ id, op });
      diag.error(
        'replay-settle',
        `replay: the spool could not settle a batch (retrying): ${(err as Error)?.message}`,
      );
      pause(deps.retryMs);
    }
  }

  /** Retries the pending settlements, oldest first. False when one still fails (then paused). */
  async function retryUnsettled(): Promise<boolean> {
    while (unsettled.length > 0) {
      const { op } = unsettled[0]!;
      try {
        await op();
      } catch {
        pause(deps.retryMs);
        return false;
      }
      unsettled.shift();
    }
    return true;
  }

  /** The next batch; undefined when the spool is empty or cannot tell now (then replay pauses). */
  async function lease(): Promise<Batch | undefined> {
    try {
      const batch = await spool.next();
      if (!batch) hasData = false;
      return batch;
    } catch (err) {
      // Not "empty": the data may well be there. Ask again after a pause (never at once: spin).
      const hint = isSpoolUnavailable(err) ? Math.min(err.retryAfterMs, MAX_UNAVAILABLE_PAUSE_MS) : 0;
      const ms = Math.max(deps.retryMs, hint);
      if (isSpoolUnavailable(err)) diag.warn('replay-unavailable', `replay paused: ${err.message}`);
      else diag.error('replay', `replay: the spool failed to hand out a batch: ${(err as Error)?.message}`);
      pause(ms);
      return undefined;
    }
  }

  /** One replay: 'delivered' when it went through (or was settled for good). */
  async function run(halt?: () => boolean): Promise<'delivered' | 'empty' | 'failed' | 'stopped'> {
    if (!(await retryUnsettled())) return 'failed';
    const batch = await lease();
    if (!batch) return hasData ? 'failed' : 'empty';
    let settled = false;
    try {
      if (stopped || halt?.()) {
        spool.release(batch.id);
        settled = true;
        return 'stopped';
      }
      controller = new AbortController();
      const outcome = await exporter.export(batch, { signal: controller.signal });
      controller = undefined;
      const ok = await settle(batch.id, outcome);
      settled = true;
      return ok ? 'delivered' : 'failed';
    } finally {
      controller = undefined;
      if (!settled) {
        // Whatever threw, the batch must not stay leased until a restart. (A spool that settled
        // it before throwing, as the disk spool's `ack` does, ignores the release.)
        try {
          spool.release(batch.id);
        } catch {
          // Nothing more to do here; the diag line below reports the failure.
        }
        pause(deps.retryMs);
      }
    }
  }

  return {
    get active() {
      return running !== undefined;
    },
    ready() {
      if (stopped || running || (!hasData && unsettled.length === 0)) return false;
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
    drain(timeoutMs) {
      const drained = (async (): Promise<DrainResult> => {
        let late = false;
        // Armed before waiting for a replay in flight: the deadline bounds that wait too.
        const timer = setTimeout(() => {
          late = true;
          controller?.abort();
        }, timeoutMs);
        timer.unref();
        const halt = () => late;
        let loop: Promise<DrainResult> | undefined;
        try {
          while (running) await running;
          if (stopped) return 'stopped';
          // `running` is this drain: the dispatcher starts no replay of its own meanwhile.
          loop = (async (): Promise<DrainResult> => {
            hasData = true;
            for (;;) {
              if (stopped) return 'stopped';
              if (late) return 'deadline';
              if (!exporter.healthy) return 'unhealthy';
              const r = await run(halt);
              if (late && r !== 'empty') return 'deadline';
              if (r !== 'delivered') return r;
            }
          })();
          running = loop;
          return await loop;
        } finally {
          clearTimeout(timer);
          if (loop && running === loop) running = undefined;
          if (!stopped) deps.wake();
        }
      })();
      return drained.catch((err): DrainResult => {
        diag.error('replay', `replay failed: ${(err as Error).message}`);
        return 'failed';
      });
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      controller?.abort();
      await running;
      // A last try before the spool closes; a batch still unsettled replays after a restart.
      await retryUnsettled();
    },
  };
}
