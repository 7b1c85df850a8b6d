/**
 * The one record podlog writes about itself: once the pressure is gone, "podlog dropped N
 * records" with a count per reason, so the loss is visible where the logs are read, not only
 * in `stats()`. Rate-limited (one per interval) so an outage cannot turn it into a stream.
 */
import { nowUnixNano } from '../record/clock.js';
import { encodeRecord } from '../record/encode-record.js';
import { encodeScope } from '../record/encode-scope.js';
import { SEVERITY_NUMBER, SEVERITY_TEXT } from '../record/severity.js';
import type { EncodedRecord, EncodedResource } from '../record/types.js';
import { type Counters, DROP_REASONS, type DropReason } from '../stats.js';

/** Scope of podlog's own records. */
export const PODLOG_SCOPE = encodeScope('podlog');

/** Event name of the drop summary record. */
export const DROP_SUMMARY_EVENT = 'podlog.dropped';

export interface DropSummaryDeps {
  counters: Counters;
  /** Minimum gap between two summaries, in ms. */
  intervalMs: number;
  /** True when the queue is below its low-water mark and the sink still takes records. */
  calm: () => boolean;
  /** Resource to attach (the last one seen on a record), or undefined if none yet. */
  resource: () => EncodedResource | undefined;
  /** Puts the summary into the pipeline. */
  emit: (record: EncodedRecord) => void;
  now?: () => number;
}

export interface DropSummary {
  /** Writes a summary now if drops are unreported, the queue is calm and the interval allows. */
  check(): void;
  stop(): void;
}

/** Reasons a summary reports: every reason but `after_shutdown` (nothing can be written then). */
const REPORTED: readonly DropReason[] = DROP_REASONS.filter((r) => r !== 'after_shutdown');

/** Builds the summary record for `counts` (reason → records dropped since the last summary). */
export function buildDropSummary(
  counts: Partial<Record<DropReason, number>>,
  resource: EncodedResource,
): EncodedRecord {
  let total = 0;
  const fields: Record<string, number> = {};
  const parts: string[] = [];
  for (const r of REPORTED) {
    const n = counts[r] ?? 0;
    if (n <= 0) continue;
    total += n;
    fields[`podlog.dropped.${r}`] = n;
    parts.push(`${r}: ${n}`);
  }
  fields['podlog.dropped.total'] = total;
  const now = nowUnixNano();
  const bytes = encodeRecord({
    timeUnixNano: now,
    observedTimeUnixNano: now,
    severityNumber: SEVERITY_NUMBER.warn,
    severityText: SEVERITY_TEXT.warn,
    body: `podlog dropped ${total} records (${parts.join(', ')})`,
    fields,
    eventName: DROP_SUMMARY_EVENT,
  });
  return { bytes, scope: PODLOG_SCOPE, resource };
}

export function createDropSummary(deps: DropSummaryDeps): DropSummary {
  const now = deps.now ?? Date.now;
  const reported = Object.fromEntries(REPORTED.map((r) => [r, 0])) as Record<DropReason, number>;
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function check(): void {
    if (stopped || timer) return;
    const counts: Partial<Record<DropReason, number>> = {};
    let any = false;
    for (const r of REPORTED) {
      const n = deps.counters.dropped[r] - reported[r];
      if (n > 0) {
        counts[r] = n;
        any = true;
      }
    }
    if (!any || !deps.calm()) return;
    const wait = last + deps.intervalMs - now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        check();
      }, wait);
      timer.unref();
      return;
    }
    const resource = deps.resource();
    if (!resource) return;
    for (const r of REPORTED) reported[r] += counts[r] ?? 0;
    last = now();
    deps.emit(buildDropSummary(counts, resource));
  }

  return {
    check,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
