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
import type { ReplayPacer } from '../spool/pacer.js';
import { isSpoolUnavailable, type Spool } from '../spool/types.js';
import type { Counters } from '../stats.js';
import { Drops } from './drops.js';

/** Longest pause a spool's `retryAfterMs` hint may ask for. */
const MAX_UNAVAILABLE_PAUSE_MS = 60_000;

/** What a {@link Replayer} works with: the pipeline's parts, or `podlog spool replay`'s. */
export interface ReplayerOptions {
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

type RunResult = 'delivered' | 'empty' | 'failed' | 'stopped';

/** Replays one spool's backlog (see the file header for the rules and the counters it moves). */
export class Replayer {
  readonly #options: ReplayerOptions;
  readonly #drops: Drops;
  readonly #now: () => number;
  // Assume data until `next()` says otherwise: an earlier process may have left batches.
  #hasData = true;
  #running: Promise<unknown> | undefined;
  #pausedUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #controller: AbortController | undefined;
  /** Counted batches whose `ack` / `quarantine` rejected: retried before the next lease. */
  readonly #unsettled: Array<() => Promise<void>> = [];

  constructor(o: ReplayerOptions) {
    this.#options = o;
    this.#drops = o.drops ?? new Drops(o.counters, o.diag);
    this.#now = o.now ?? Date.now;
  }

  /** True while a replay is running (it occupies one concurrency slot). */
  get active(): boolean {
    return this.#running !== undefined;
  }

  /** True when a replay may start now. Arms a wake-up timer when it is only waiting for time or health. */
  ready(): boolean {
    if (this.#stopped || this.#running || (!this.#hasData && this.#unsettled.length === 0)) return false;
    const wait = this.#pausedUntil - this.#now();
    if (wait > 0) {
      this.#arm(wait);
      return false;
    }
    if (!this.#options.exporter.healthy) {
      this.#arm(this.#options.retryMs);
      return false;
    }
    if (this.#options.pacer) {
      // The pacer is asked before the slot is taken, so a paced replay never holds a live slot.
      const p = this.#options.spool.pending;
      const paced = this.#options.pacer.delayFor(p.batches > 0 ? Math.ceil(p.bytes / p.batches) : 0);
      if (paced > 0) {
        this.#arm(paced);
        return false;
      }
    }
    return true;
  }

  /** Starts one replay. Call only when `ready()`. */
  start(): void {
    this.#running = this.#run()
      .catch((err) => this.#options.diag.error('replay', `replay failed: ${(err as Error).message}`))
      .finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#options.wake();
      });
  }

  /** Something was appended: the spool has data again. */
  noteAppended(): void {
    this.#hasData = true;
  }

  /**
   * Replays the backlog now, one batch after another, until the spool is empty, the backend
   * stops taking it, or `timeoutMs` passes (the replay in flight is then aborted and released:
   * it stays spooled). For `flush()` and `shutdown()`: a short-lived process (a Job, a CLI)
   * must not leave an earlier run's backlog behind while the backend is up. Ignores the
   * replay rate limit and the pause after a failure (bounded by the deadline instead), not
   * the exporter's health. Resolves true when the deadline cut it short.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    let late = false;
    // Armed before waiting for a replay in flight: the deadline bounds that wait too.
    const timer = setTimeout(() => {
      late = true;
      this.#controller?.abort();
    }, timeoutMs);
    timer.unref();
    let loop: Promise<boolean> | undefined;
    try {
      while (this.#running) await this.#running;
      if (this.#stopped) return false;
      // `running` is this drain: the dispatcher starts no replay of its own meanwhile.
      loop = this.#drainLoop(() => late);
      this.#running = loop;
      return await loop;
    } catch (err) {
      this.#options.diag.error('replay', `replay failed: ${(err as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
      if (loop && this.#running === loop) this.#running = undefined;
      if (!this.#stopped) this.#options.wake();
    }
  }

  /** Aborts a running replay (it is released, not lost) and starts no more. Resolves when idle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller?.abort();
    await this.#running;
    // A last try before the spool closes; a batch still unsettled replays after a restart.
    await this.#retryUnsettled();
  }

  async #drainLoop(late: () => boolean): Promise<boolean> {
    this.#hasData = true;
    for (;;) {
      if (this.#stopped) return false;
      if (late()) return true;
      if (!this.#options.exporter.healthy) return false;
      const r = await this.#run(late);
      if (late() && r !== 'empty') return true;
      if (r !== 'delivered') return false;
    }
  }

  #arm(ms: number): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#options.wake();
    }, ms);
    this.#timer.unref();
  }

  #pause(ms: number): void {
    this.#pausedUntil = this.#now() + ms;
    this.#arm(ms);
  }

  /** One replay: 'delivered' when it went through (or was settled for good). */
  async #run(halt?: () => boolean): Promise<RunResult> {
    if (!(await this.#retryUnsettled())) return 'failed';
    const batch = await this.#lease();
    if (!batch) return this.#hasData ? 'failed' : 'empty';
    let settled = false;
    try {
      if (this.#stopped || halt?.()) {
        this.#options.spool.release(batch.id);
        settled = true;
        return 'stopped';
      }
      this.#controller = new AbortController();
      const outcome = await this.#options.exporter.export(batch, { signal: this.#controller.signal });
      this.#controller = undefined;
      const ok = await this.#settle(batch, outcome);
      settled = true;
      return ok ? 'delivered' : 'failed';
    } finally {
      this.#controller = undefined;
      if (!settled) {
        // Whatever threw, the batch must not stay leased until a restart. (A spool that settled
        // it before throwing, as the disk spool's `ack` does, ignores the release.)
        try {
          this.#options.spool.release(batch.id);
        } catch {
          // Nothing more to do here; the diag line below reports the failure.
        }
        this.#pause(this.#options.retryMs);
      }
    }
  }

  /** The next batch; undefined when the spool is empty or cannot tell now (then replay pauses). */
  async #lease(): Promise<Batch | undefined> {
    try {
      const batch = await this.#options.spool.next();
      if (!batch) this.#hasData = false;
      return batch;
    } catch (err) {
      // Not "empty": the data may well be there. Ask again after a pause (never at once: spin).
      const hint = isSpoolUnavailable(err) ? Math.min(err.retryAfterMs, MAX_UNAVAILABLE_PAUSE_MS) : 0;
      const ms = Math.max(this.#options.retryMs, hint);
      if (isSpoolUnavailable(err))
        this.#options.diag.warn('replay-unavailable', `replay paused: ${err.message}`);
      else
        this.#options.diag.error(
          'replay',
          `replay: the spool failed to hand out a batch: ${(err as Error)?.message}`,
        );
      this.#pause(ms);
      return undefined;
    }
  }

  /** Moves the counters for a replay's outcome; false when it left records undelivered. */
  async #settle(batch: Batch, outcome: ExportOutcome): Promise<boolean> {
    const { id } = batch;
    let dropped = 0;
    for (const n of Object.values(outcome.dropped)) dropped += n ?? 0;
    if (outcome.exported === 0 && dropped === 0) {
      this.#options.delivering?.(false);
      this.#options.spool.release(id);
      this.#pause(this.#options.retryMs);
      return false;
    }
    this.#drops.settle('spooled', outcome, batch);
    if (outcome.exported > 0) this.#options.delivering?.(true);
    // The records are counted now: whatever the disk says, this batch must not replay again.
    if (outcome.exported === 0 && outcome.undelivered.length === 0) {
      const reason = Object.keys(outcome.dropped).join(',') || 'rejected';
      await this.#finish(() => this.#options.spool.quarantine(id, reason));
      return true;
    }
    // Keep the parts that did not go through before letting go of the original.
    for (const part of outcome.undelivered) {
      const ok = await this.#options.spool.append(part).catch(() => false);
      if (!ok) this.#drops.drop('disk_error', part.count, 'spooled');
    }
    await this.#finish(() => this.#options.spool.ack(id));
    return outcome.undelivered.length === 0;
  }

  /** Runs a counted batch's `ack` / `quarantine`; on a rejection keeps it for a retry. */
  async #finish(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      this.#unsettled.push(op);
      this.#options.diag.error(
        'replay-settle',
        `replay: the spool could not settle a batch (retrying): ${(err as Error)?.message}`,
      );
      this.#pause(this.#options.retryMs);
    }
  }

  /** Retries the pending settlements, oldest first. False when one still fails (then paused). */
  async #retryUnsettled(): Promise<boolean> {
    while (this.#unsettled.length > 0) {
      try {
        await this.#unsettled[0]!();
      } catch {
        this.#pause(this.#options.retryMs);
        return false;
      }
      this.#unsettled.shift();
    }
    return true;
  }
}
