/**
 * The one record podlog writes about itself: once the pressure is gone, "podlog dropped N
 * records" with a count per reason, so the loss is visible where the logs are read, not only
 * in `stats()`. Rate-limited (one per interval) so an outage cannot turn it into a stream.
 *
 * It never feeds on itself: it is written only while delivery works (the caller's `calm`:
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

export interface DropSummaryDeps {
  counters: Counters;
  /** Minimum gap between two summaries, in ms. */
  intervalMs: number;
  /** True when a summary would likely be delivered: the sink takes records, the queue is low, delivery works. */
  calm: () => boolean;
  /** Resource to attach (the last one seen on a record), or undefined if none yet. */
  resource: () => QueuedRecord['resource'] | undefined;
  /** Encodes the summary record (the facade's encoder). */
  build: BuildDropSummary;
  /**
   * Puts the summary into the pipeline; false when it cannot take it now (then it is tried
   * later). `last`: the pipeline is ending, it must take it even over the queue's limit.
   */
  emit: (record: QueuedRecord, last: boolean) => boolean;
  now?: () => number;
}

export interface DropSummary {
  /** Writes a summary now if drops are unreported, the queue is calm and the interval allows. */
  check(): void;
  /**
   * Writes the summary of every drop not reported yet now, whether calm or not and whatever the
   * interval: for `flush()`, `shutdown()` and the exit paths, so drops late in a process reach
   * the backend (or the spool) too. True when one was written.
   */
  flushPending(): boolean;
  /** True when drops are counted that no summary reported yet. */
  readonly unreported: boolean;
  /** `n` records of a summary were dropped (`reason`): counted, but never reported by a summary. */
  absorb(reason: DropReason, n: number): void;
  stop(): void;
}

/** Reasons a summary reports: every reason but `after_shutdown` (nothing can be written then). */
const REPORTED: readonly DropReason[] = DROP_REASONS.filter((r) => r !== 'after_shutdown');

export function createDropSummary(deps: DropSummaryDeps): DropSummary {
  const now = deps.now ?? Date.now;
  const reported = Object.fromEntries(REPORTED.map((r) => [r, 0])) as Record<DropReason, number>;
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  /** Drops not reported yet, per reason; undefined when none. */
  function unreported(): Partial<Record<DropReason, number>> | undefined {
    const counts: Partial<Record<DropReason, number>> = {};
    let any = false;
    for (const r of REPORTED) {
      const n = deps.counters.dropped[r] - reported[r];
      if (n > 0) {
        counts[r] = n;
        any = true;
      }
    }
    return any ? counts : undefined;
  }

  function write(counts: Partial<Record<DropReason, number>>, last: boolean): boolean {
    const resource = deps.resource();
    if (!resource) return false;
    if (!deps.emit(deps.build(counts, resource), last)) return false;
    for (const r of REPORTED) reported[r] += counts[r] ?? 0;
    return true;
  }

  function check(): void {
    if (stopped || timer) return;
    const counts = unreported();
    if (!counts || !deps.calm()) return;
    const wait = last + deps.intervalMs - now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        check();
      }, wait);
      timer.unref();
      return;
    }
    if (write(counts, false)) last = now();
  }

  return {
    check,
    get unreported() {
      return unreported() !== undefined;
    },
    flushPending() {
      const counts = unreported();
      if (!counts || !write(counts, true)) return false;
      last = now();
      return true;
    },
    absorb(reason, n) {
      if (n > 0 && REPORTED.includes(reason)) reported[reason] += n;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
