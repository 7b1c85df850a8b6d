/**
 * The one diagnostic channel. podlog never logs about itself through its own pipeline
 * (a broken backend would then feed on itself); it writes short lines to stderr instead,
 * rate-limited per cause so an outage cannot flood the terminal.
 *
 * Never pass header values or record contents to it.
 */

/** Receives podlog's diagnostic lines. The default writes `podlog: …` lines to stderr. */
export type DiagSink = (line: string, level: 'warn' | 'error' | 'info') => void;

export interface Diag {
  /** Writes `message` unless a line with the same `cause` was written within the interval. */
  warn(cause: string, message: string): void;
  error(cause: string, message: string): void;
  info(cause: string, message: string): void;
}

interface DiagOptions {
  sink?: DiagSink | false;
  /** Minimum gap between two lines of one cause. */
  intervalMs?: number;
}

const stderrSink: DiagSink = (line) => {
  try {
    process.stderr.write(`podlog: ${line}\n`);
  } catch {
    // stderr closed: nothing sensible left to do.
  }
};

const MAX_CAUSES = 1024;

export function createDiag(options: DiagOptions = {}): Diag {
  const sink = options.sink === false ? undefined : (options.sink ?? stderrSink);
  const intervalMs = options.intervalMs ?? 30_000;
  const last = new Map<string, number>();

  const emit = (level: 'warn' | 'error' | 'info', cause: string, message: string) => {
    if (!sink) return;
    const t = Date.now();
    const prev = last.get(cause);
    if (prev !== undefined && t - prev < intervalMs) return;
    if (last.size >= MAX_CAUSES) last.clear();
    last.set(cause, t);
    try {
      sink(message, level);
    } catch {
      // A throwing user sink must not break logging.
    }
  };

  return {
    warn: (cause, message) => emit('warn', cause, message),
    error: (cause, message) => emit('error', cause, message),
    info: (cause, message) => emit('info', cause, message),
  };
}

/** A diag that prints nothing; for tests and internal defaults. */
export const silentDiag: Diag = createDiag({ sink: false });
