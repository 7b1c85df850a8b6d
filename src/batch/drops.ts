/**
 * Drops: counting them, and reporting them where the logs are read.
 *
 * `Drops` is the one place the batch stage counts a drop, and the export outcomes around them.
 * Every drop moves its records out of the bucket they were in (`queued` in memory, `spooled` on
 * disk, or none for a record never queued) into `dropped[reason]`, and writes a diagnostic line,
 * rate-limited per reason (diag cause `drop-<reason>`), so a loss is never only a number in
 * `stats()`.
 *
 * `DropSummary` is the one record podlog writes about itself: once the pressure is gone,
 * "podlog dropped N records" with a count per reason. Rate-limited (one per interval) so an
 * outage cannot turn it into a stream. It never feeds on itself: it is written only while
 * delivery works (the owner's `calm`: queue below its low-water mark, exporter healthy, the last
 * export delivered), and `Drops` reports drops of a summary's own batch to `absorb` (marked
 * reported), so a summary never reports another summary's loss. A backend that stays down
 * therefore gets no summary at all (it could not be delivered); the drops stay in `stats()` and
 * the diagnostic lines, and are summarized once delivery works.
 */
import type { Diag } from '../diag.js';
import type { Batch, ExportOutcome } from '../export/types.js';
import type { FramedRecord } from '../otlp/encode-request.js';
import type { SpoolAccounting } from '../spool/types.js';
import { type Bucket, type Counters, DROP_REASONS, type DropReason } from '../stats.js';

/** What the user can do about each reason (the diagnostic line's second half). */
const HINTS: Record<DropReason, string> = {
  queue_full:
    'the memory queue is full; raise queue.maxRecords/queue.maxBytes, log less, or set a spool (spool.dir)',
  rejected: 'the backend refused them for good (see the export line for its answer)',
  too_large: 'a record is larger than the memory queue (queue.maxBytes) or than the backend accepts',
  retries_exhausted:
    'the backend was not reachable within the retry budget (retry.maxElapsedMs); set a spool (spool.dir) to keep such records',
  shutdown: 'still undelivered when the shutdown deadline passed; raise shutdownTimeoutMs or set a spool',
  after_shutdown: 'logged after shutdown(); records logged then are never sent',
  spool_full: 'the spool reached spool.maxBytes',
  expired: 'older than spool.maxAgeMs in the spool',
  corrupt: 'found corrupt in the spool',
  disk_error: "the spool's disk refused them (full, read-only or failing)",
  encode_error: 'podlog could not encode or frame them (a bug in podlog: please report it)',
};

export class Drops {
  readonly #counters: Counters;
  readonly #diag: Diag;
  readonly #summary: DropSummary | undefined;
  // Weak: a batch that is exported or spooled is simply forgotten.
  readonly #own = new WeakSet<Batch>();
  #accounted = false;

  /** `summary`: where drops of podlog's own batches (see {@link markOwn}) are absorbed. */
  constructor(counters: Counters, diag: Diag, summary?: DropSummary) {
    this.#counters = counters;
    this.#diag = diag;
    this.#summary = summary;
  }

  /**
   * `n` records are dropped for `reason`, out of `from` (none for accepted records that never
   * reached the queue: `after_shutdown`, `encode_error`); `batch` is the batch they were in, if any.
   */
  drop(reason: DropReason, n: number, from?: Bucket, batch?: Batch): void {
    if (n <= 0) return;
    const total = this.#counters.drop(reason, n, from);
    if (batch !== undefined && this.#own.has(batch)) this.#summary?.absorb(reason, n);
    const line = `dropped ${n} record(s) (${reason}), ${total} so far: ${HINTS[reason]}`;
    if (reason === 'encode_error') this.#diag.error(`drop-${reason}`, line);
    else this.#diag.warn(`drop-${reason}`, line);
  }

  /** `batch` holds only podlog's own records: its drops are absorbed by the summary as well. */
  markOwn(batch: Batch): void {
    this.#own.add(batch);
  }

  /**
   * Moves the exported and dropped records of `batch`'s outcome out of `from` (a live batch's
   * `queued`, a replayed one's `spooled`). The undelivered parts are the caller's.
   */
  settle(from: Bucket, outcome: ExportOutcome, batch: Batch): void {
    this.#counters.delivered(outcome.exported, from);
    for (const [reason, n] of Object.entries(outcome.dropped)) {
      this.drop(reason as DropReason, n ?? 0, from, batch);
    }
  }

  /**
   * The final account line, once: when anything was dropped, is left in the spool or in memory,
   * or a loss of unknown size was seen. The drop lines are rate-limited per reason; this one has
   * the totals.
   */
  account(): void {
    if (this.#accounted) return;
    this.#accounted = true;
    const c = this.#counters;
    const dropped = c.droppedTotal();
    const unknown = c.lossUnknown.corrupt + c.lossUnknown.rejected;
    if (dropped === 0 && c.spooled === 0 && c.queued === 0 && unknown === 0) return;
    const reasons = DROP_REASONS.filter((r) => c.dropped[r] > 0).map((r) => `${r} ${c.dropped[r]}`);
    const extra = [
      c.recovered > 0 ? `recovered ${c.recovered} from an earlier process` : '',
      c.queued > 0 ? `still in memory ${c.queued}` : '',
      c.lossUnknown.corrupt > 0 ? `${c.lossUnknown.corrupt} spool damages of unknown size` : '',
      c.lossUnknown.rejected > 0
        ? `${c.lossUnknown.rejected} batches with an unreadable partial success`
        : '',
    ].filter(Boolean);
    const line =
      `accepted ${c.accepted}, exported ${c.exported}, spooled ${c.spooled}, dropped ${dropped}` +
      (reasons.length > 0 ? ` (${reasons.join(', ')})` : '') +
      (extra.length > 0 ? `; ${extra.join(', ')}` : '');
    if (dropped > 0 || unknown > 0) this.#diag.warn('account', line);
    else this.#diag.info('account', line);
  }
}

/**
 * The spool's side of the accounting (`SpoolAccounting`): what only the spool sees, recovery,
 * damage and evictions, moved between the same buckets. No diagnostic line here: the spool writes
 * its own (`spool-<reason>`, `spool-corrupt`), which say which segment and why.
 */
export function spoolAccounting(counters: Counters): SpoolAccounting {
  return {
    recovered: (n) => counters.recover(n),
    lost: (reason, n) => counters.drop(reason, n, 'spooled'),
    foundCorrupt: (n, unknown) => counters.foundCorrupt(n, unknown),
  };
}

/** Drops not reported yet, per reason. */
export type DropCounts = Partial<Record<DropReason, number>>;

/** Builds the summary record for `counts` (reason → records dropped since the last summary). */
export type BuildDropSummary = (counts: DropCounts, resource: FramedRecord['resource']) => FramedRecord;

/** Where the summary goes: the pipeline. */
interface SummaryOwner {
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
