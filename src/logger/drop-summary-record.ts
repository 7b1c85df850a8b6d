/**
 * The record podlog writes about its own losses ("podlog dropped N records", a count per
 * reason). Encoding a record is the facade's job, so it lives here; the batch stage only
 * decides when to write one (src/batch/drop-summary.ts) and calls this.
 */
import { nowUnixNano } from '../record/clock.js';
import { encodeRecord } from '../record/encode-record.js';
import { encodeScope } from '../record/encode-scope.js';
import { SEVERITY_NUMBER, SEVERITY_TEXT } from '../record/level-table.js';
import type { EncodedRecord, EncodedResource } from '../record/types.js';
import { DROP_REASONS, type DropReason } from '../stats.js';

/** Scope of podlog's own records. */
const PODLOG_SCOPE = encodeScope('podlog');

/** Event name of the drop summary record. */
export const DROP_SUMMARY_EVENT = 'podlog.dropped';

/** Reasons a summary reports: every reason but `after_shutdown` (nothing can be written then). */
const REPORTED: readonly DropReason[] = DROP_REASONS.filter((r) => r !== 'after_shutdown');

/** Builds the summary record for `counts` (reason → records dropped since the last summary). */
export function buildDropSummary<R extends { readonly bytes: Uint8Array } = EncodedResource>(
  counts: Partial<Record<DropReason, number>>,
  resource: R,
): Omit<EncodedRecord, 'resource'> & { resource: R } {
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
