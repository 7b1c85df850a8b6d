/**
 * Ending the pipeline, two ways:
 *
 * - `shutdown(timeoutMs)`: stop taking records, send what is in memory, then the spool's
 *   backlog (an earlier run's too) while the backend takes it, then the summary of the drops
 *   not reported yet, all within the deadline; after it, what is still in memory goes to the
 *   spool or is dropped as `shutdown`, exports in flight are aborted and get a short grace to
 *   return. Then the exporter, the spill and the spool are closed, in that order (each may
 *   still feed the next).
 * - `exitSync()`: for `process.exit()` and fatal exceptions, where no promise will ever settle:
 *   the pending drop summary and everything in memory, in flight included, are written to the
 *   spool synchronously.
 * - `flush(timeoutMs)`: what is in memory, then the spool's backlog within the deadline while
 *   the backend takes it; `flushBeforeExit` writes the pending drop summary first.
 *
 * Both ends write one account line through the diag (`accepted N, exported N, spooled N,
 * dropped N (reason N, …)`) when anything was dropped or is left in the spool: the
 * rate-limited drop lines may have shown only part of the loss.
 *
 * `shutdown` never rejects: a step that fails (an exporter or spool whose `close` rejects) is
 * reported through the diag, the remaining steps still run, and `onClosed` (which removes the
 * exit hooks) always runs.
 */
import type { Diag } from '../diag.js';
import type { Exporter } from '../export/types.js';
import type { Spool } from '../spool/types.js';
import { type Counters, DROP_REASONS } from '../stats.js';
import type { Dispatcher } from './dispatcher.js';
import type { DropSummary } from './drop-summary.js';
import type { FlushTracker } from './flush-tracker.js';
import type { Intake } from './intake.js';
import type { MemoryQueue } from './memory-queue.js';
import type { DrainResult, Replayer } from './replay.js';
import type { Spill } from './spill.js';

export interface ShutdownDeps {
  counters: Counters;
  queue: MemoryQueue;
  intake: Intake;
  dispatcher: Dispatcher;
  replayer: Replayer | undefined;
  summary: DropSummary;
  spill: Spill;
  tracker: FlushTracker;
  exporter: Exporter;
  spool: Spool | undefined;
  diag: Diag;
  /** Grace for in-flight exports to return after the deadline aborted them. */
  abortGraceMs: number;
  /** Memory went down (wakes `drained()` waiters). */
  released: () => void;
  /** Called once the sink is shut down or has run `exitSync`. */
  onClosed: (() => void) | undefined;
  /** True while the backend takes records (healthy, and the last export delivered). */
  deliveryWorks: () => boolean;
}

export interface Shutdown {
  /** True once `shutdown` or `exitSync` began: new records are refused. */
  readonly closed: boolean;
  /** Idempotent: every call gets the first call's promise. */
  shutdown(timeoutMs: number): Promise<void>;
  /** Sends what is in memory, then the spool's backlog while the backend takes it (within `timeoutMs`). */
  flush(timeoutMs: number): Promise<void>;
  /** `flush`, after writing the summary of the drops not reported yet (the `beforeExit` hook). */
  flushBeforeExit(timeoutMs: number): Promise<void>;
  exitSync(): void;
}

export function createShutdown(deps: ShutdownDeps): Shutdown {
  const { counters, queue, intake, dispatcher, replayer, summary, spill, tracker, exporter, spool, diag } =
    deps;
  let closed = false;
  let exited = false;
  let accounted = false;
  let shutdownPromise: Promise<void> | undefined;

  /** Runs one closing step; a failure is reported, never thrown (the next steps must still run). */
  async function step(what: string, run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (err) {
      diag.error(`shutdown-${what}`, `shutdown: ${what} failed: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  async function shutdown(timeoutMs: number): Promise<void> {
    closed = true;
    try {
      const left = await drain(timeoutMs);
      if (counters.spooled > 0) {
        const why =
          left === 'deadline' ? 'the shutdown deadline passed' : 'the backend did not take them now';
        diag.warn(
          'shutdown-spooled',
          `shutdown: ${counters.spooled} records left in the spool (${why}); a later process using this spool.dir sends them`,
        );
      }
    } finally {
      await step('exporter close', () => exporter.close());
      await step('spill close', () => spill.close());
      await step('spool close', () => spool?.close());
      await step('release', () => deps.released());
      account();
      await step('exit hooks', () => deps.onClosed?.());
    }
  }

  /** Waits until everything cut so far is settled (exported, spooled or dropped-and-counted). */
  function settled(): Promise<void> {
    intake.cut();
    return tracker.waitFor(queue.lastSeq);
  }

  async function flush(timeoutMs: number): Promise<void> {
    await settled();
    // Not after shutdown began: it drains the spool itself, within its own deadline.
    if (replayer && !closed) await replayer.drain(timeoutMs);
  }

  /**
   * Sends what is in memory, then the spool's backlog, then the drop summary, within the
   * deadline; after it, spools or drops the rest. Resolves with how the backlog drain ended.
   */
  async function drain(timeoutMs: number): Promise<DrainResult> {
    const started = Date.now();
    let late = false;
    const work = (async (): Promise<DrainResult> => {
      await settled();
      const left = replayer ? await replayer.drain(Math.max(0, timeoutMs - (Date.now() - started))) : 'empty';
      // Drops late in the process (those of the drain included) reach the backend or the spool.
      if (!late) await finalSummary();
      return left;
    })();
    const deadline = timeout(timeoutMs);
    let left = await Promise.race([work, deadline.promise]);
    if (left === 'timeout') {
      late = true;
      diag.warn(
        'shutdown-deadline',
        `shutdown deadline of ${timeoutMs} ms passed; spooling or dropping the rest`,
      );
      const stopReplay = replayer?.stop();
      // Into memory, and from there to the spool with the rest; without a spool it could only
      // be dropped (as `shutdown`), so it is not written.
      if (spool) summary.flushPending();
      await abandon();
      const grace = timeout(deps.abortGraceMs);
      await Promise.race([settled(), grace.promise]);
      grace.cancel();
      await step('replay stop', () => stopReplay);
      left = 'deadline';
    }
    deadline.cancel();
    summary.stop();
    await step('replay stop', () => replayer?.stop());
    await step('spill', () => spill.idle());
    return left;
  }

  /**
   * The final account, once: when anything was dropped, is left in the spool or in memory, or
   * a loss of unknown size was seen. The drop diagnostics are rate-limited per reason; this
   * line has the totals.
   */
  function account(): void {
    if (accounted) return;
    accounted = true;
    const c = counters;
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
    if (dropped > 0 || unknown > 0) diag.warn('account', line);
    else diag.info('account', line);
  }

  /** After the shutdown deadline: what is still in memory goes to the spool or is dropped. */
  async function abandon(): Promise<void> {
    dispatcher.markDeadlinePassed();
    const appends = readyToDisk();
    dispatcher.abortAll();
    await appends;
  }

  /** Moves the batches waiting for a slot to the spool (or drops them as `shutdown`). */
  function readyToDisk(): Promise<unknown> {
    intake.cut();
    const rest = queue.ready;
    queue.ready = [];
    for (const entry of rest) queue.forget(entry);
    return Promise.all(rest.map((e) => spill.toDisk(e.batch, 'shutdown').then(() => tracker.settle(e.seq))));
  }

  /**
   * The summary of the drops not reported yet: sent while delivery works; straight to the spool
   * when the backend is down (sending it would only hold shutdown until its deadline).
   */
  async function finalSummary(): Promise<void> {
    if (deps.deliveryWorks()) {
      if (summary.flushPending()) await settled();
    } else if (spool && summary.flushPending()) await readyToDisk();
  }

  function exitSync(): void {
    if (exited) return;
    exited = true;
    // Before cut(): nothing new starts on the wire now.
    const inFlight = dispatcher.stop();
    closed = true;
    // Into memory, so it goes to the spool with the rest; without a spool it could only be
    // dropped, so it is not written.
    if (spool) summary.flushPending();
    intake.cut();
    summary.stop();
    const entries = [...queue.ready, ...inFlight];
    queue.ready = [];
    for (const e of entries) {
      queue.forget(e);
      spill.toDiskSync(e.batch, 'shutdown');
      // Settled: a flush() or shutdown() called after this must not wait for these.
      tracker.settle(e.seq);
    }
    spill.flushSync();
    account();
    deps.onClosed?.();
  }

  return {
    get closed() {
      return closed;
    },
    shutdown(timeoutMs) {
      shutdownPromise ??= shutdown(timeoutMs).catch((err) => {
        diag.error('shutdown', `shutdown failed: ${(err as Error)?.message ?? String(err)}`);
      });
      return shutdownPromise;
    },
    flush,
    async flushBeforeExit(timeoutMs) {
      if (!closed) summary.flushPending();
      await flush(timeoutMs);
    },
    exitSync,
  };
}

/**
 * The shutdown deadline. Not unref'd, on purpose: podlog's other timers are (retry backoff
 * included), so during an outage this timer is what keeps `await log.shutdown()` from being
 * cut short by an empty event loop; it holds the process for the deadline at most.
 */
function timeout(ms: number): { promise: Promise<'timeout'>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
