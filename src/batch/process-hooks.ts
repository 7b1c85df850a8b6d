/**
 * Process exit handling (`handleExit`), shared by every podlog sink in the process so each event
 * has at most one podlog listener:
 * - `SIGTERM` / `SIGINT`: shut the sinks down within their deadline, then re-raise the signal
 *   when podlog's listener was the only one (the process ends exactly as it would without
 *   podlog); when the app has listeners of its own, only flush and leave the exit to the app.
 * - `beforeExit`: flush what is queued (the loop emptied, but records still wait for a timer).
 * - `exit` (`process.exit()`) and a fatal `uncaughtException`: synchronous last resort, memory
 *   to the spool (`exitSync`).
 * Nothing here keeps alive a process that would otherwise exit; only after a signal, when podlog
 * has taken over the exit, a timer bounded by the deadline holds the loop open for the flush.
 */

export interface ExitParticipant {
  /** Records still in memory. */
  readonly queuedRecords: number;
  flush(): Promise<void>;
  shutdown(options: { timeoutMs: number }): Promise<void>;
  exitSync(): void;
}

interface Registration {
  participant: ExitParticipant;
  timeoutMs: number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Signal = (typeof SIGNALS)[number];

const registrations = new Set<Registration>();
let handling: Signal | undefined;

function maxTimeout(): number {
  let max = 0;
  for (const r of registrations) max = Math.max(max, r.timeoutMs);
  return max;
}

function withDeadline(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

function onSignal(signal: Signal): void {
  const alone = process.listenerCount(signal) === 1;
  if (handling) {
    // A second signal while flushing (Ctrl-C twice): stop waiting.
    if (alone) reraise(signal);
    return;
  }
  handling = signal;
  const regs = [...registrations];
  // The process would have ended on this signal; hold it open for the flush, and no longer.
  const keepAlive = setTimeout(() => {}, maxTimeout() + 1000);
  const work = alone
    ? regs.map((r) => r.participant.shutdown({ timeoutMs: r.timeoutMs }))
    : regs.map((r) => withDeadline(r.participant.flush(), r.timeoutMs));
  void Promise.allSettled(work).then(() => {
    clearTimeout(keepAlive);
    handling = undefined;
    if (alone) reraise(signal);
    else if (registrations.size === 0) uninstall();
  });
}

function reraise(signal: Signal): void {
  uninstall();
  // Other listeners may have been added meanwhile; then the app owns the exit.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function onBeforeExit(): void {
  // Flushing schedules work, so `beforeExit` comes again; it stops once nothing is queued.
  for (const r of registrations) {
    if (r.participant.queuedRecords > 0) void r.participant.flush();
  }
}

function onExit(): void {
  for (const r of registrations) r.participant.exitSync();
}

function onUncaughtException(_err: unknown, _origin: unknown): void {
  // The monitor runs before Node decides; the exception is fatal only without app handlers.
  if (process.listenerCount('uncaughtException') === 0) onExit();
}

const listeners = {
  SIGTERM: () => onSignal('SIGTERM'),
  SIGINT: () => onSignal('SIGINT'),
};

function install(): void {
  for (const s of SIGNALS) process.on(s, listeners[s]);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onUncaughtException);
}

function uninstall(): void {
  for (const s of SIGNALS) process.removeListener(s, listeners[s]);
  process.removeListener('beforeExit', onBeforeExit);
  process.removeListener('exit', onExit);
  process.removeListener('uncaughtExceptionMonitor', onUncaughtException);
}

/**
 * Registers a sink for exit handling. Returns the function that unregisters it (call it once
 * the sink is shut down); listeners are removed with the last registration.
 */
export function registerExitHooks(participant: ExitParticipant, timeoutMs: number): () => void {
  const reg: Registration = { participant, timeoutMs };
  if (registrations.size === 0) install();
  registrations.add(reg);
  return () => {
    if (!registrations.delete(reg)) return;
    if (registrations.size === 0 && !handling) uninstall();
  };
}
