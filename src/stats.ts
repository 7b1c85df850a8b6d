/**
 * Record accounting shared by every stage. Each stage moves records between the buckets
 * below; none of them ever forgets a record. The invariant, at every moment:
 *
 *   accepted + recovered = exported + queued + spooled + dropped.total
 *
 * where `queued` is what sits in memory or is in flight to the backend.
 */

/** Every reason a record may be dropped for, in the order `log.stats()` and the diagnostics list them. */
export const DROP_REASONS = [
  /** The memory queue was full (`overflow: 'drop-newest' | 'drop-oldest'`, or spool unavailable). */
  'queue_full',
  /** The backend refused it (4xx other than 408/429/413, or `partial_success.rejected_log_records`). */
  'rejected',
  /** A single record larger than the backend or the request cap accepts. */
  'too_large',
  /** Retries ran out and there was no spool to keep it. */
  'retries_exhausted',
  /** Still undelivered when the shutdown deadline passed and no spool was set. */
  'shutdown',
  /** Logged after `shutdown()`. */
  'after_shutdown',
  /** Evicted from the spool because it reached `spool.maxBytes`. */
  'spool_full',
  /** Evicted from the spool because it was older than `spool.maxAgeMs`. */
  'expired',
  /** Found corrupt on disk (bad checksum, torn frame). */
  'corrupt',
  /** The disk refused the write (ENOSPC, EACCES, EROFS, EIO) and memory could not hold it. */
  'disk_error',
  /**
   * podlog failed to turn an accepted record into bytes (the encoder or the sink threw, or a
   * batch could not be framed). A bug or a hostile value: the record is lost, but counted.
   */
  'encode_error',
] as const;

/** Why a record was dropped. Every drop has exactly one reason (see {@link DROP_REASONS}). */
export type DropReason = (typeof DROP_REASONS)[number];

/** A point-in-time copy of podlog's counters, from `log.stats()`. */
export interface StatsSnapshot {
  /**
   * Records that entered podlog: those of log calls that passed level filtering and rate
   * limiting (a call made after `shutdown()` included, counted `dropped.after_shutdown`), plus
   * podlog's own records, which travel like any record: its `podlog.dropped` summaries, the
   * log-storm limiter's suppression summaries and level-change notices. Each is then exported,
   * queued, spooled or dropped exactly once.
   */
  accepted: number;
  /** Records found in the spool from an earlier process. */
  recovered: number;
  /** Records the backend acknowledged. */
  exported: number;
  /** Records in memory: queued, being batched, or in flight. */
  queued: number;
  /** Records on disk in the spool, waiting for replay. */
  spooled: number;
  /** Dropped records, in total and by reason. */
  dropped: { total: number } & Record<DropReason, number>;
  /** Records held back by the log-storm limiter (not drops: they were never accepted). */
  suppressed: number;
  /**
   * Losses whose record count could not be known: then the counters hold a lower bound, and a
   * diagnostic line says so. Zero in a healthy run.
   *
   * - `corrupt`: damaged places in the spool (a corrupt frame, a cut or emptied segment, a
   *   broken header, an unreadable rest) that no cursor manifest covered (a cursor written by
   *   podlog before 0.2, or a lost cursor). Each adds its best guess to `dropped.corrupt` (the
   *   frame's own count field, else 1), so `dropped.corrupt` is a lower bound while this is > 0.
   * - `rejected`: batches answered 2xx whose `partial_success` could not be read (a response
   *   body over 4 MiB without `rejected_log_records` in its first 4 MiB). Their records are
   *   counted `exported`; up to all of them may have been rejected by the backend.
   */
  lossUnknown: { corrupt: number; rejected: number };
  /** Export attempts that were retried. */
  retries: number;
  /** Bytes sent to the backend (after compression), including retries. */
  bytesSent: number;
  /** Requests answered with 2xx. */
  requests: number;
  /**
   * Memory queue fill: records, bytes, and the larger of the two ratios (0..1); `inFlight`: the
   * records of the batches being exported right now (part of `records`; 0 when not known).
   */
  queue: {
    records: number;
    bytes: number;
    maxRecords: number;
    maxBytes: number;
    fill: number;
    inFlight?: number;
  };
  /** Bytes of the batches waiting in the spool (their request bodies); absent without a spool. */
  spoolBytes?: number;
}

/** The number fields of {@link Counters}. */
type Count = { [K in keyof Counters]: Counters[K] extends number ? K : never }[keyof Counters];

/** Where an accepted record is counted until it is exported or dropped: memory (or in flight), or disk. */
export type Bucket = 'queued' | 'spooled';

/**
 * The record accounting of one logger, and the one owner through which every counter moves:
 * each method is one whole move (docs/ARCHITECTURE.md, Accounting), so the invariant holds
 * after every call. Stages hold a reference, call the moves, and read the read-only fields or
 * `snapshot()`.
 */
export class Counters {
  readonly accepted: number = 0;
  readonly recovered: number = 0;
  readonly exported: number = 0;
  /** Records currently held by the memory queue plus those in flight. */
  readonly queued: number = 0;
  readonly spooled: number = 0;
  readonly retries: number = 0;
  readonly bytesSent: number = 0;
  readonly requests: number = 0;
  readonly #lossUnknown = { corrupt: 0, rejected: 0 };
  readonly #dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  /** See {@link StatsSnapshot.lossUnknown}. */
  readonly lossUnknown: Readonly<StatsSnapshot['lossUnknown']> = this.#lossUnknown;
  readonly dropped: Readonly<Record<DropReason, number>> = this.#dropped;
  /** This object, writable: the counts are read-only outside, and change only through the moves below. */
  readonly #c: { -readonly [K in Count]: number } = this;

  /** `n` records entered podlog: into the memory queue, or (no `into`) straight to a drop or a capture. */
  accept(n: number, into?: 'queued'): void {
    this.#c.accepted += n;
    if (into !== undefined) this.#c.queued += n;
  }

  /** `n` records moved from memory to the spool. */
  spilled(n: number): void {
    this.#c.queued -= n;
    this.#c.spooled += n;
  }

  /** `n` records acknowledged by the backend, out of `from` (none: a capture that never queues). */
  delivered(n: number, from?: Bucket): void {
    if (from !== undefined) this.#c[from] -= n;
    this.#c.exported += n;
  }

  /** `n` records dropped for `reason`, out of `from` (none: accepted but never queued). Returns the reason's total. */
  drop(reason: DropReason, n: number, from?: Bucket): number {
    if (from !== undefined) this.#c[from] -= n;
    if (n > 0) this.#dropped[reason] += n;
    return this.#dropped[reason];
  }

  /** `n` records an earlier process left in the spool were found. */
  recover(n: number): void {
    this.#c.recovered += n;
    this.#c.spooled += n;
  }

  /** `n` records an earlier process left were found damaged (`unknown`: damaged places of unknown size). */
  foundCorrupt(n: number, unknown: number): void {
    this.#c.recovered += n;
    this.drop('corrupt', n);
    this.#lossUnknown.corrupt += unknown;
  }

  /** An export attempt was retried. */
  retried(): void {
    this.#c.retries++;
  }

  /** A request body went out. */
  sent(bytes: number): void {
    this.#c.bytesSent += bytes;
  }

  /** A request was answered with 2xx. */
  answered(): void {
    this.#c.requests++;
  }

  /** A 2xx whose `partial_success` could not be read (see {@link StatsSnapshot.lossUnknown}). */
  partialSuccessUnread(): void {
    this.#lossUnknown.rejected++;
  }

  droppedTotal(): number {
    let total = 0;
    for (const r of DROP_REASONS) total += this.#dropped[r];
    return total;
  }

  snapshot(queue: StatsSnapshot['queue']): StatsSnapshot {
    const c = this.#c;
    return {
      accepted: c.accepted,
      recovered: c.recovered,
      exported: c.exported,
      queued: c.queued,
      spooled: c.spooled,
      dropped: { total: this.droppedTotal(), ...this.#dropped },
      // The log-storm limiter's count, merged by `Logger.stats()`.
      suppressed: 0,
      lossUnknown: { ...this.#lossUnknown },
      retries: c.retries,
      bytesSent: c.bytesSent,
      requests: c.requests,
      queue,
    };
  }
}

/**
 * Tail buffering (`tail` option): records held per request below the logger's level. None of
 * them is `accepted` until released (then it is counted like any record), so they stay out of
 * the pipeline's invariant; their own, at every moment:
 *
 *   buffered = released + discarded + evicted + held
 */
export interface TailStats {
  /** Records put in a request's buffer. */
  buffered: number;
  /** Held records written because their request failed (each also counted `accepted`). */
  released: number;
  /** Held records thrown away because their request ended well (the intent of `tail`, not a drop). */
  discarded: number;
  /** Held records pushed out by `tail.maxRecords`/`maxBytes` or the `maxTotal*` caps, oldest first. */
  evicted: number;
  /** Records held right now. */
  held: number;
  /** Estimated bytes held right now, across all requests (see `tail.maxBytes`). */
  heldBytes: number;
  /** Request buffers open right now. */
  open: number;
}

/** What `log.stats()` returns: the pipeline's counters plus the facade's own. */
export interface LoggerStats extends StatsSnapshot {
  /**
   * Records skipped by trace-based sampling (`sampling` option): written inside an unsampled
   * trace below `keepAtOrAbove`. Like `suppressed`, never accepted, so not drops.
   */
  sampledOut: number;
  /** Tail buffering; all zero when the `tail` option is off. */
  tail: TailStats;
}
