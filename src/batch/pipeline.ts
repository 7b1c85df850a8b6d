/**
 * The batching pipeline, the sink the facade writes to: it admits records (size check, overflow
 * policy, cutting batches by count, bytes and delay), sends them (up to `concurrency` exports at
 * once, shared with spool replay so that neither starves), settles each outcome and ends. Its
 * parts, and who moves which counter: docs/ARCHITECTURE.md, "Inside the batch stage" and
 * "Accounting".
 *
 * Memory: every record from `write()` until it is exported, spooled or dropped counts against
 * `queue.maxRecords` / `queue.maxBytes`: loose records, cut batches waiting for a slot, and
 * batches in flight. Batches on their way to the spool (overflow) have their own budget of the
 * same size, so a slow disk cannot grow memory without bound either.
 *
 * `shutdown` and `exitSync` end with one account line through the diag (`accepted N, exported
 * N, spooled N, dropped N (reason N, …)`) when anything was dropped or is left in the spool:
 * the rate-limited drop lines may have shown only part of the loss.
 */
import type { Diag } from '../diag.js';
import type { Exporter, ExportOutcome } from '../export/types.js';
import type { FramedRecord } from '../otlp/encode-request.js';
import type { ReplayPacer } from '../spool/pacer.js';
import type { Spool } from '../spool/types.js';
import type { Counters, DropReason, StatsSnapshot } from '../stats.js';
import { type BuildDropSummary, type DropCounts, DropSummary, Drops } from './drops.js';
import { framedSize } from './loose-records.js';
import { type Entry, LOW_WATER, MemoryQueue } from './memory-queue.js';
import type { BatchConfig, Overflow, PipelineConfig } from './options.js';
import { clampDelay, type ExitParticipant, exitHooks, withDeadline } from './process-hooks.js';
import { Replayer } from './replay.js';
import { Spill } from './spill.js';
import type { RecordSink } from './types.js';

export interface PipelineDeps {
  batch: BatchConfig;
  /** Queue, overflow, concurrency, exit handling. */
  pipeline: PipelineConfig;
  exporter: Exporter;
  /** The disk spool, when `spool.dir` is set. */
  spool?: Spool;
  /** Replay rate limit. */
  replayPacer?: ReplayPacer;
  counters: Counters;
  diag: Diag;
  /** Encodes podlog's "records were dropped" record (the facade's encoder). */
  buildDropSummary: BuildDropSummary;
  /** Minimum gap between two drop-summary records. Default 10 s. */
  dropSummaryIntervalMs?: number;
  /** Pause after a failed replay / health polling interval. Default 1 s. */
  replayRetryMs?: number;
  /** Grace for in-flight exports to return after the shutdown deadline aborted them. Default 1 s. */
  abortGraceMs?: number;
}

/** The batching pipeline over `deps.exporter` (and `deps.spool`): the sink the facade writes to. */
export class Pipeline implements RecordSink, ExitParticipant {
  // The queue copies each record into its batch buffer (loose-records.ts); nothing keeps `bytes`.
  readonly copiesBytes = true;
  readonly #deps: PipelineDeps;
  // The parts of `deps` that every record reads, at hand.
  readonly #counters: Counters;
  readonly #cfg: PipelineConfig;
  readonly #overflow: Overflow;
  /** Removes the exit hooks (`handleExit`); called once shut down or after `exitSync`. */
  readonly #unregister: (() => void) | undefined;
  readonly #queue: MemoryQueue;
  readonly #drops: Drops;
  readonly #replayer: Replayer | undefined;
  readonly #spill: Spill;
  readonly #summary: DropSummary;
  #written = 0;
  // The last export that came back (live or replay) left records undelivered: delivery is down.
  #failing = false;
  /** Cuts the loose records after `batch.maxDelayMs`. */
  #timer: NodeJS.Timeout | undefined;
  /** The resource of the last record taken, for the drop summary. */
  #lastResource: FramedRecord['resource'] | undefined;
  /** Live batches being exported, and what aborts each. */
  readonly #sending = new Map<Entry, AbortController>();
  #liveSinceReplay = 0;
  /** The shutdown deadline passed: undelivered records count as `shutdown`, no final summary is sent. */
  #deadlinePassed = false;
  /** `shutdown` or `exitSync` began: new records are refused. */
  #closed = false;
  /** `exitSync` ran: nothing new starts and late outcomes are ignored (their batches went to disk). */
  #exited = false;
  #shutdownPromise: Promise<void> | undefined;

  constructor(deps: PipelineDeps) {
    const { exporter, spool, counters, diag, pipeline: cfg } = deps;
    const { maxRecords, maxBytes } = cfg.queue;
    this.#deps = deps;
    this.#counters = counters;
    this.#cfg = cfg;
    this.#overflow = cfg.overflow ?? (spool ? 'spool' : 'drop-newest');
    this.#queue = new MemoryQueue({
      maxRecords,
      maxBytes,
      // A batch can never be larger than the queue that holds it.
      batchRecords: Math.min(deps.batch.maxRecords, maxRecords),
      batchBytes: Math.min(deps.batch.maxBytes, maxBytes),
    });
    this.#summary = new DropSummary(counters, deps.dropSummaryIntervalMs ?? 10_000, {
      // Only while delivery works: a summary written into an outage would be dropped in turn.
      calm: () => !this.#closed && this.#queue.fill() < LOW_WATER && this.#deliveryWorks(),
      write: (counts, last) => this.#writeSummary(counts, last),
    });
    this.#drops = new Drops(counters, diag, this.#summary);
    this.#replayer = spool
      ? new Replayer({
          spool,
          exporter,
          counters,
          drops: this.#drops,
          diag,
          retryMs: deps.replayRetryMs ?? 1000,
          pacer: deps.replayPacer,
          wake: () => {
            this.#summary.check();
            this.#dispatch();
          },
          delivering: (ok) => {
            this.#failing = !ok;
          },
        })
      : undefined;
    this.#spill = new Spill(
      spool,
      counters,
      this.#drops,
      { records: maxRecords, bytes: maxBytes },
      { settled: () => this.#released(), appended: () => this.#replayer?.noteAppended() },
    );
    // Batches left by an earlier process replay without waiting for the first log call.
    if (this.#replayer) queueMicrotask(() => this.#dispatch());
    this.#unregister = cfg.handleExit ? exitHooks.register(this, cfg.shutdownTimeoutMs) : undefined;
  }

  write(record: FramedRecord): void {
    this.#written++;
    if (this.#closed) {
      this.#counters.accept(1);
      this.#drops.drop('after_shutdown', 1);
      return;
    }
    this.#counters.accept(1, 'queued');
    try {
      this.#enqueue(record);
    } catch (err) {
      // `write` never throws. What can throw is copying the record in (before the queue
      // counts it): it is lost, and counted.
      this.#drops.drop('encode_error', 1, 'queued');
      this.#deps.diag.error('pipeline', `a record could not be queued: ${(err as Error)?.name}`);
    }
  }

  discard(reason: 'encode_error'): void {
    this.#written++;
    this.#counters.accept(1);
    this.#drops.drop(reason, 1);
  }

  get pressure(): number {
    return this.#queue.fill();
  }

  drained(below?: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#queue.drained(below);
  }

  async flush(): Promise<void> {
    await this.#settled();
    // Not after shutdown began: it drains the spool itself, within its own deadline.
    if (this.#replayer && !this.#closed) await this.#replayer.drain(this.#cfg.shutdownTimeoutMs);
  }

  /**
   * Idempotent: every call gets the first call's promise. `timeoutMs`: a number of ms from 0 to
   * 2^31 - 1 (longer is clamped: a Node.js timer would fire after 1 ms), or the configured
   * default for anything else (a log call site must not be able to break shutdown with a bad
   * argument).
   */
  shutdown(options?: { timeoutMs?: number }): Promise<void> {
    let timeoutMs = options?.timeoutMs;
    if (timeoutMs === undefined) timeoutMs = this.#cfg.shutdownTimeoutMs;
    else if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
      timeoutMs = this.#cfg.shutdownTimeoutMs;
      this.#deps.diag.warn(
        'shutdown-timeout',
        `shutdown({ timeoutMs }) takes a number of ms; using ${timeoutMs}`,
      );
    }
    this.#shutdownPromise ??= this.#shutdown(clampDelay(timeoutMs)).catch((err) => {
      this.#deps.diag.error('shutdown', `shutdown failed: ${(err as Error)?.message ?? String(err)}`);
    });
    return this.#shutdownPromise;
  }

  /**
   * For `process.exit()` and fatal exceptions, where no promise will ever settle: the pending
   * drop summary and everything in memory, in flight included, go to the spool synchronously.
   */
  exitSync(): void {
    if (this.#exited) return;
    // Before cut(): nothing new starts on the wire now.
    this.#exited = true;
    const inFlight = [...this.#sending.keys()];
    this.#sending.clear();
    this.#closed = true;
    // Into memory, so it goes to the spool with the rest; without a spool it could only be
    // dropped, so it is not written.
    if (this.#deps.spool) this.#summary.flushPending();
    this.#cut();
    this.#summary.stop();
    for (const e of [...this.#queue.takeReady(), ...inFlight]) {
      this.#queue.forget(e);
      this.#spill.toDiskSync(e.batch, 'shutdown');
      // Settled: a flush() or shutdown() called after this must not wait for these.
      this.#queue.settle(e);
    }
    this.#spill.flushSync();
    this.#drops.account();
    this.#unregister?.();
  }

  async flushBeforeExit(): Promise<void> {
    if (!this.#closed) this.#summary.flushPending();
    await this.flush();
  }

  get idle(): boolean {
    const inMemory = this.#queue.records + this.#spill.records;
    return inMemory === 0 && (this.#closed || !this.#summary.unreported);
  }

  get written(): number {
    return this.#written;
  }

  stats(): StatsSnapshot {
    let inFlight = 0;
    for (const entry of this.#sending.keys()) inFlight += entry.batch.count;
    const snapshot = this.#counters.snapshot({
      records: this.#queue.records,
      bytes: this.#queue.bytes,
      maxRecords: this.#cfg.queue.maxRecords,
      maxBytes: this.#cfg.queue.maxBytes,
      fill: this.#queue.fill(),
      inFlight,
    });
    if (this.#deps.spool !== undefined) snapshot.spoolBytes = this.#deps.spool.pending.bytes;
    return snapshot;
  }

  /** True while the backend takes records: healthy, and the last export delivered. */
  #deliveryWorks(): boolean {
    return this.#deps.exporter.healthy && !this.#failing;
  }

  /** Memory went down: wake `drained()` waiters, maybe write the drop summary, send more. */
  #released(): void {
    this.#queue.wakeDrained();
    this.#summary.check();
    this.#dispatch();
  }

  // --- Admission -------------------------------------------------------------------------

  /**
   * Takes one record (already counted `queued`), or drops and counts it. Returns the batch the
   * record completed, when it filled one (the batch is cut at once). `overLimit`: taken even
   * over the queue's limits (podlog's last drop summary; one small record).
   */
  #enqueue(record: FramedRecord, overLimit = false): Entry | undefined {
    const size = framedSize(record);
    if (size > this.#cfg.queue.maxBytes) {
      this.#drops.drop('too_large', 1, 'queued');
      this.#summary.check();
      return undefined;
    }
    if (!overLimit && !this.#queue.fits(size) && !this.#makeRoom(size)) {
      this.#drops.drop('queue_full', 1, 'queued');
      return undefined;
    }
    this.#lastResource = record.resource;
    if (this.#queue.wouldOverflowBatch(size)) this.#cut();
    this.#queue.add(record, size);
    if (this.#queue.batchFull()) return this.#cut();
    if (!this.#timer) {
      this.#timer = setTimeout(() => this.#cut(), this.#deps.batch.maxDelayMs);
      this.#timer.unref();
    }
    return undefined;
  }

  /** Makes room for one record of `size` bytes per the overflow policy. False: it cannot be kept. */
  #makeRoom(size: number): boolean {
    const queue = this.#queue;
    while (!queue.fits(size)) {
      if (this.#overflow === 'drop-newest') return false;
      const oldest = queue.oldestReady();
      if (!oldest) {
        if (queue.looseCount === 0) return false; // everything is in flight
        if (this.#overflow === 'drop-oldest') {
          queue.dropOldestLoose();
          this.#drops.drop('queue_full', 1, 'queued');
        } else this.#cut(); // spool: turn loose records into a batch that can go to disk
        continue;
      }
      if (this.#overflow === 'spool' && !this.#spill.hasRoom(oldest.batch)) return false;
      queue.nextReady();
      if (this.#overflow === 'spool') void this.#toDisk(oldest, 'queue_full');
      else {
        this.#drops.drop('queue_full', oldest.batch.count, 'queued', oldest.batch);
        queue.recycle(oldest);
        queue.settle(oldest);
      }
    }
    return true;
  }

  /** Cuts the loose records into a batch now (flush, shutdown, the delay timer); returns it. */
  #cut(): Entry | undefined {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const entry = this.#queue.cut((n) => this.#drops.drop('encode_error', n, 'queued'));
    if (!entry) return undefined;
    this.#dispatch();
    return entry;
  }

  /**
   * The drop summary's way in. Never at the cost of a user's record (no overflow policy for
   * it), and never mixed into a user's batch: alone in its batch, its own drops are known (and
   * not summarized). The last one (flush, shutdown, exit) may go over the queue's limit by this
   * one record.
   */
  #writeSummary(counts: DropCounts, last: boolean): boolean {
    const resource = this.#lastResource;
    if (!resource) return false;
    const record = this.#deps.buildDropSummary(counts, resource);
    if (!last && !this.#queue.fits(framedSize(record))) return false;
    // Without a spool to keep it, the last one is not written into a known outage: it could
    // only be dropped (the account line at the end has the totals).
    if (last && !this.#deps.spool && !this.#deliveryWorks()) return false;
    this.#counters.accept(1, 'queued');
    this.#cut();
    // The summary alone may fill a batch (tiny batch limits): then enqueue has cut it already.
    const entry = this.#enqueue(record, last) ?? this.#cut();
    if (entry) this.#drops.markOwn(entry.batch);
    return true;
  }

  // --- Sending ---------------------------------------------------------------------------

  /** Starts exports while slots are free. */
  #dispatch(): void {
    if (this.#exited) return;
    const replayer = this.#replayer;
    while (this.#sending.size + (replayer?.active ? 1 : 0) < this.#cfg.concurrency) {
      // A replay takes a slot when no live batch waits, or every other turn, so neither starves.
      if (
        replayer &&
        !this.#closed &&
        (this.#queue.readyCount === 0 || this.#liveSinceReplay > 0) &&
        replayer.ready()
      ) {
        this.#liveSinceReplay = 0;
        replayer.start();
        continue;
      }
      const entry = this.#queue.nextReady();
      if (!entry) return;
      this.#liveSinceReplay++;
      this.#send(entry);
    }
  }

  #send(entry: Entry): void {
    const controller = new AbortController();
    this.#sending.set(entry, controller);
    this.#deps.exporter
      .export(entry.batch, { signal: controller.signal })
      .catch((err): ExportOutcome => {
        this.#deps.diag.error('pipeline', `exporter rejected (a bug): ${(err as Error)?.message}`);
        return { exported: 0, dropped: {}, undelivered: [entry.batch] };
      })
      .then((outcome) => {
        // Not in `sending` any more: `exitSync` already put it on disk; ignore the late outcome.
        if (!this.#sending.delete(entry)) return;
        this.#queue.forget(entry);
        this.#drops.settle('queued', outcome, entry.batch);
        if (outcome.undelivered.length > 0) this.#failing = true;
        else if (outcome.exported > 0) this.#failing = false;
        // Undelivered parts go to the spool, or are dropped as `retries_exhausted` (`shutdown`
        // after the deadline).
        const fallback: DropReason = this.#deadlinePassed ? 'shutdown' : 'retries_exhausted';
        const spilled = outcome.undelivered.map((part) => this.#spill.toDisk(part, fallback));
        this.#released();
        return Promise.all(spilled);
      })
      .finally(() => this.#queue.settle(entry));
  }

  // --- Ending ----------------------------------------------------------------------------

  /** Waits until everything cut so far is settled (exported, spooled or dropped-and-counted). */
  #settled(): Promise<void> {
    this.#cut();
    return this.#queue.settled();
  }

  /**
   * Sends what is in memory, then the spool's backlog (an earlier run's too), then the drop
   * summary, within the deadline; after it, spools or drops the rest (`#afterDeadline`). Then
   * closes the exporter, the spill and the spool, in that order (each may still feed the next).
   * A failing step is reported through the diag; the remaining steps still run.
   */
  async #shutdown(timeoutMs: number): Promise<void> {
    this.#closed = true;
    // drained() resolves at once from now on; those already waiting need not wait for the drain.
    this.#queue.wakeDrained(true);
    const started = Date.now();
    try {
      const work = (async () => {
        await this.#settled();
        const remaining = Math.max(0, timeoutMs - (Date.now() - started));
        const cutShort = (await this.#replayer?.drain(remaining)) ?? false;
        // Drops late in the process (those of the drain included) reach the backend, or the
        // spool straight away when the backend is down (sending would only hold shutdown until
        // its deadline).
        if (this.#deadlinePassed) return cutShort;
        if (this.#deliveryWorks()) {
          if (this.#summary.flushPending()) await this.#settled();
        } else if (this.#deps.spool && this.#summary.flushPending()) await this.#readyToDisk();
        return cutShort;
      })();
      // Held (not unref'd), on purpose: podlog's other timers are (retry backoff included), so
      // during an outage this timer is what keeps `await log.shutdown()` from being cut short by
      // an empty event loop; it holds the process for the deadline at most.
      // Undefined: the deadline passed; true: the backlog drain's own deadline passed first.
      let cutShort = await withDeadline(work, timeoutMs, true);
      if (cutShort === undefined) {
        this.#deadlinePassed = true;
        await this.#afterDeadline(timeoutMs);
        cutShort = true;
      }
      this.#summary.stop();
      await this.#step('replay stop', () => this.#replayer?.stop());
      await this.#step('spill', () => this.#spill.idle());
      if (this.#counters.spooled > 0) {
        const why = cutShort ? 'the shutdown deadline passed' : 'the backend did not take them now';
        this.#deps.diag.warn(
          'shutdown-spooled',
          `shutdown: ${this.#counters.spooled} records left in the spool (${why}); a later process using this spool.dir sends them`,
        );
      }
    } finally {
      await this.#step('exporter close', () => this.#deps.exporter.close());
      await this.#step('spill close', () => this.#spill.close());
      await this.#step('spool close', () => this.#deps.spool?.close());
      await this.#step('release', () => this.#released());
      this.#drops.account();
      await this.#step('exit hooks', () => this.#unregister?.());
    }
  }

  /** Runs one closing step; a failure is reported, never thrown (the next steps must still run). */
  async #step(what: string, run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.#deps.diag.error(
        `shutdown-${what}`,
        `shutdown: ${what} failed: ${(err as Error)?.message ?? String(err)}`,
      );
    }
  }

  /**
   * The shutdown deadline passed: what is still in memory goes to the spool or is dropped,
   * exports in flight are aborted and get `abortGraceMs` to return.
   */
  async #afterDeadline(timeoutMs: number): Promise<void> {
    this.#deps.diag.warn(
      'shutdown-deadline',
      `shutdown deadline of ${timeoutMs} ms passed; spooling or dropping the rest`,
    );
    const stopReplay = this.#replayer?.stop();
    // Into memory, and from there to the spool with the rest; without a spool it could only
    // be dropped (as `shutdown`), so it is not written.
    if (this.#deps.spool) this.#summary.flushPending();
    const appends = this.#readyToDisk();
    for (const controller of this.#sending.values()) controller.abort();
    await appends;
    await withDeadline(this.#settled(), this.#deps.abortGraceMs ?? 1000, true);
    await this.#step('replay stop', () => stopReplay);
  }

  /** Moves the batches waiting for a slot to the spool (or drops them as `shutdown`). */
  #readyToDisk(): Promise<unknown> {
    this.#cut();
    return Promise.all(this.#queue.takeReady().map((e) => this.#toDisk(e, 'shutdown')));
  }

  /** `entry` leaves memory for the spool (dropped as `fallback` without one); settled once there. */
  #toDisk(entry: Entry, fallback: DropReason): Promise<void> {
    this.#queue.forget(entry);
    return this.#spill.toDisk(entry.batch, fallback).then(() => this.#queue.settle(entry));
  }
}
