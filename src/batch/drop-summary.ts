/**
 * The one record podlog writes about itself: once the pressure is gone, "podlog dropped N
 * records" with a count per reason, so the loss is visible where the logs are read, not only
 * in `stats()`. Rate-limited (one per interval) so an outage cannot turn it into a stream.
 *
 * It never feeds on itself: it is written only while delivery works (the owner's `calm`:
 * queue below its low-water mark, exporter healthy, the last export delivered), and drops of a
 * summary record are `absorb`ed (marked reported), so a summary never reports another summary's
 * loss. A backend that stays down therefore gets no summary at all (it could not be delivered);
 * the drops stay in `stats()` and the diagnostic lines, and are summarized once delivery works.
 */
import { type Counters, DROP_REASONS, type DropReason } from '../stats.js';
import type { QueuedRecord } from './types.js';

/** Builds the summary record for `counts` (reason → records dropped since the last summary). */
export type BuildDropSummary = (
  counts: Partial<Record<DropReason, number>>,
  resource: QueuedRecord['resource'],
) => QueuedRecord;

/** Drops not reported yet, per reason. */
export type DropCounts = Partial<Record<DropReason, number>>;

/** Where the summary goes: the pipeline. */
export interface SummaryOwner {
  /** True when a summary would likely be delivered: the sink takes records, the queue is low, delivery works. */
  calm(): boolean;
  /**
   * Builds the summary of `counts` and puts it into the pipeline; false when it cannot take it
   * now (then it is tried later). `last`: the pipeline is ending, it must take it even over the
   * queue's limit.
   */
  write(counts: DropCounts, last: boolean): boolean;
}

/** Reasons a summary reports: every reason but `after_shutdown` (nothing can be written then). */
const REPORTED: readonly DropReason[] = DROP_REASONS.filter((r) => r !== 'after_shutdown');

export class DropSummary {
  readonly #counters: Counters;
  /** Minimum gap between two summaries, in ms. */
  readonly #intervalMs: number;
  readonly #owner: SummaryOwner;
  readonly #reported = Object.fromEntries(REPORTED.map((r) => [r, 0])) as Record<DropReason, number>;
  #last = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(counters: Counters, intervalMs: number, owner: SummaryOwner) {
    this.#counters = counters;
    this.#intervalMs = intervalMs;
    this.#owner = owner;
  }

  /** Writes a summary now if drops are unreported, the queue is calm and the interval allows. */
  check(): void {
    if (this.#stopped || this.#timer) return;
    const counts = this.#unreported();
    if (!counts || !this.#owner.calm()) return;
    const wait = this.#last + this.#intervalMs - Date.now();
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.check();
      }, wait);
      this.#timer.unref();
      return;
    }
    if (this.#write(counts, false)) this.#last = Date.now();
  }

  /**
   * Writes the summary of every drop not reported yet now, whether calm or not and whatever the
   * interval: for `flush()`, `shutdown()` and the exit paths, so drops late in a process reach
   * the backend (or the spool) too. True when one was written.
   */
  flushPending(): boolean {
    const counts = this.#unreported();
    if (!counts || !this.#write(counts, true)) return false;
    this.#last = Date.now();
    return true;
  }

  /** True when drops are counted that no summary reported yet. */
  get unreported(): boolean {
    return this.#unreported() !== undefined;
  }

  /** `n` records of a summary were dropped (`reason`): counted, but never reported by a summary. */
  absorb(reason: DropReason, n: number): void {
    if (n > 0 && REPORTED.includes(reason)) this.#reported[reason] += n;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Drops not reported yet, per reason; undefined when none. */
  #unreported(): DropCounts | undefined {
    const counts: DropCounts = {};
    let any = false;
    for (const r of REPORTED) {
      const n = this.#counters.dropped[r] - this.#reported[r];
      if (n > 0) {
        counts[r] = n;
        any = true;
      }
    }
    return any ? counts : undefined;
  }

  #write(counts: DropCounts, last: boolean): boolean {
    if (!this.#owner.write(counts, last)) return false;
    for (const r of REPORTED) this.#reported[r] += counts[r] ?? 0;
    return true;
  }
}
