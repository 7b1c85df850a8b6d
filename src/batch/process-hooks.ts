/**
 * Process exit handling (`handleExit`), shared by every podlog sink in the process so each event
 * has at most one podlog listener:
 * - `SIGTERM` / `SIGINT`: shut the sinks down within their deadline, then re-raise the signal
 *   when podlog's listener was the only one (the process ends exactly as it would without
 *   podlog); when the app has listeners of its own, only flush (the pending drop summary
 *   included) and leave the exit to the app.
 * - `beforeExit`: flush what is queued (the loop emptied, but records still wait for a timer),
 *   holding the process for that flush up to the deadline, once per quiet period: again only
 *   after new records were written, so a flush that cannot complete (backend down, spool or
 *   not) never re-arms itself and the process ends. What is still in memory then goes to the
 *   `exit` hook (spool, or counted `dropped.shutdown`).
 * - `exit` (`process.exit()`) and a fatal `uncaughtException`: synchronous last resort, memory
 *   to the spool (`exitSync`).
 * Nothing here keeps alive a process that would otherwise exit for longer than the deadline: only
 * after a signal or at `beforeExit`, a timer bounded by the deadline holds the loop open for the
 * flush. (Every other podlog timer is unref'd.)
 */

import { MAX_TIMER_MS } from '../config/validate.js';
import type { RecordSink } from './types.js';

/** What the hooks need of a sink (the pipeline's). */
export interface ExitParticipant extends Pick<RecordSink, 'shutdown' | 'exitSync'> {
  /**
   * Nothing for `beforeExit` to flush: no record in memory (loose, batched, in flight, on its
   * way to disk) and no drop that a summary has not reported yet.
   */
  readonly idle: boolean;
  /** Records written so far; `beforeExit` flushes again only once it has grown. */
  readonly written: number;
  /** `flush`, after writing the summary of the drops not reported yet (the `beforeExit` hook). */
  flushBeforeExit(): Promise<void>;
}

/** A participant and its `beforeExit` state. */
interface Registration {
  readonly participant: ExitParticipant;
  readonly timeoutMs: number;
  /** `written` when the last `beforeExit` flush began; -1: none yet. */
  flushedAt: number;
  /** True while a `beforeExit` flush runs (within its deadline). */
  flushing: boolean;
}

type Signal = 'SIGTERM' | 'SIGINT';

/**
 * A timer delay for `ms`, clamped to what Node.js timers take (a longer one would fire after
 * 1 ms).
 */
export function clampDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

/**
 * `p`, or undefined after `ms`. `hold`: the deadline keeps the process alive (else unref'd),
 * for a wait that an otherwise empty event loop must not cut short.
 */
export function withDeadline<T>(p: Promise<T>, ms: number, hold = false): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), clampDelay(ms));
      if (!hold) timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The process's exit listeners, installed while at least one participant is registered. */
class ExitHooks {
  readonly #registrations = new Set<Registration>();
  /** The signal whose shutdown or flush runs. */
  #handling: Signal | undefined;
  readonly #listeners = {
    SIGTERM: () => this.#onSignal('SIGTERM'),
    SIGINT: () => this.#onSignal('SIGINT'),
    beforeExit: () => this.#onBeforeExit(),
    exit: () => this.#onExit(),
    uncaughtExceptionMonitor: () => {
      // The monitor runs before Node decides; the exception is fatal only without app handlers.
      if (process.listenerCount('uncaughtException') === 0) this.#onExit();
    },
  };

  /**
   * Registers a sink for exit handling. Returns the function that unregisters it (call it once
   * the sink is shut down); listeners are removed with the last registration.
   */
  register(participant: ExitParticipant, timeoutMs: number): () => void {
    const reg: Registration = { participant, timeoutMs, flushedAt: -1, flushing: false };
    if (this.#registrations.size === 0) this.#listen(true);
    this.#registrations.add(reg);
    return () => {
      if (!this.#registrations.delete(reg)) return;
      if (this.#registrations.size === 0 && !this.#handling) this.#listen(false);
    };
  }

  #listen(on: boolean): void {
    for (const [event, listener] of Object.entries(this.#listeners)) {
      if (on) process.on(event, listener);
      else process.removeListener(event, listener);
    }
  }

  #onSignal(signal: Signal): void {
    const alone = process.listenerCount(signal) === 1;
    if (this.#handling) {
      // A second signal while flushing (Ctrl-C twice): stop waiting.
      if (alone) this.#reraise(signal);
      return;
    }
    this.#handling = signal;
    const regs = [...this.#registrations];
    // The process would have ended on this signal; hold it open for the flush, and no longer.
    const longest = Math.max(0, ...regs.map((r) => r.timeoutMs));
    const keepAlive = setTimeout(() => {}, clampDelay(longest + 1000));
    const work = alone
      ? regs.map((r) => r.participant.shutdown({ timeoutMs: r.timeoutMs }))
      : regs.map((r) => withDeadline(r.participant.flushBeforeExit(), r.timeoutMs));
    void Promise.allSettled(work).then(() => {
      clearTimeout(keepAlive);
      this.#handling = undefined;
      if (alone) this.#reraise(signal);
      else if (this.#registrations.size === 0) this.#listen(false);
    });
  }

  #reraise(signal: Signal): void {
    this.#listen(false);
    // Other listeners may have been added meanwhile; then the app owns the exit.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }

  #onBeforeExit(): void {
    // Once per quiet period (see the file header); `beforeExit` comes again after the flush.
    // Unreported drops get their summary written first, so drops late in a process reach the
    // backend too.
    for (const r of this.#registrations) {
      const p = r.participant;
      if (r.flushing || p.idle || p.written === r.flushedAt) continue;
      r.flushing = true;
      r.flushedAt = p.written;
      void withDeadline(p.flushBeforeExit(), r.timeoutMs, true).finally(() => {
        r.flushing = false;
      });
    }
  }

  #onExit(): void {
    for (const r of this.#registrations) r.participant.exitSync();
  }
}

/** The one set of exit hooks of the process, shared by every podlog sink in it. */
export const exitHooks = new ExitHooks();
