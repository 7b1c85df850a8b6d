/**
 * Ending the pipeline, two ways:
 *
 * - `shutdown(timeoutMs)`: stop taking records, send what is in memory, and wait for it up to
 *   the deadline; after it, what is still in memory goes to the spool or is dropped as
 *   `shutdown`, exports in flight are aborted and get a short grace to return. Then the
 *   exporter, the spill and the spool are closed, in that order (each may still feed the next).
 * - `exitSync()`: for `process.exit()` and fatal exceptions, where no promise will ever settle:
 *   everything in memory, in flight included, is written to the spool synchronously.
 *
 * `shutdown` never rejects: a step that fails (an exporter or spool whose `close` rejects) is
 * reported through the diag, the remaining steps still run, and `onClosed` (which removes the
 * exit hooks) always runs.
 */
import type { Diag } from '../diag.js';
import type { Exporter } from '../export/types.js';
import type { Spool } from '../spool/types.js';
import type { Dispatcher } from './dispatcher.js';
import type { DropSummary } from './drop-summary.js';
import type { FlushTracker } from './flush-tracker.js';
import type { Intake } from './intake.js';
import type { MemoryQueue } from './memory-queue.js';
import type { Replayer } from './replay.js';
import type { Spill } from './spill.js';

export interface ShutdownDeps {
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
}

export interface Shutdown {
  /** True once `shutdown` or `exitSync` began: new records are refused. */
  readonly closed: boolean;
  /** Idempotent: every call gets the first call's promise. */
  shutdown(timeoutMs: number): Promise<void>;
  exitSync(): void;
}

export function createShutdown(deps: ShutdownDeps): Shutdown {
  const { queue, intake, dispatcher, replayer, summary, spill, tracker, exporter, spool, diag } = deps;
  let closed = false;
  let exited = false;
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
      await drain(timeoutMs);
    } finally {
      await step('exporter close', () => exporter.close());
      await step('spill close', () => spill.close());
      await step('spool close', () => spool?.close());
      await step('release', () => deps.released());
      await step('exit hooks', () => deps.onClosed?.());
    }
  }

  /** Sends what is in memory within the deadline; after it, spools or drops the rest. */
  async function drain(timeoutMs: number): Promise<void> {
    summary.stop();
    const stopReplay = replayer?.stop();
    intake.cut();
    const flushed = tracker.waitFor(queue.lastSeq);
    const deadline = timeout(timeoutMs);
    if ((await Promise.race([flushed, deadline.promise])) === 'timeout') {
      diag.warn(
        'shutdown-deadline',
        `shutdown deadline of ${timeoutMs} ms passed; spooling or dropping the rest`,
      );
      await abandon();
      const grace = timeout(deps.abortGraceMs);
      await Promise.race([flushed, grace.promise]);
      grace.cancel();
    }
    deadline.cancel();
    await step('replay stop', () => stopReplay);
    await step('spill', () => spill.idle());
  }

  /** After the shutdown deadline: what is still in memory goes to the spool or is dropped. */
  async function abandon(): Promise<void> {
    dispatcher.markDeadlinePassed();
    intake.cut();
    const rest = queue.ready;
    queue.ready = [];
    for (const entry of rest) queue.forget(entry);
    const appends = rest.map((e) => spill.toDisk(e.batch, 'shutdown').then(() => tracker.settle(e.seq)));
    dispatcher.abortAll();
    await Promise.all(appends);
  }

  function exitSync(): void {
    if (exited) return;
    exited = true;
    // Before cut(): nothing new starts on the wire now.
    const inFlight = dispatcher.stop();
    closed = true;
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
