/**
 * Console capture: `console.log/info/warn/error/debug` calls become podlog records (still printed
 * as before), so an app that only uses `console` ships its logs without a code change.
 */
import type { Logger } from '../../logger/logger.js';

// node:util's CJS object: an ESM import evaluates all its exports (docs/performance.md).
const { formatWithOptions } = process.getBuiltinModule('node:util');

/** console method → podlog level. */
const METHODS = {
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'error',
  debug: 'debug',
} as const;

type Method = keyof typeof METHODS;

/** Options of {@link captureConsole}. */
export interface CaptureConsoleOptions {
  /** Keep printing to stdout/stderr as before. Default `true`. */
  passThrough?: boolean;
  /** The console to patch. Default: the global `console`. */
  console?: Console;
}

const ACTIVE = Symbol.for('podlog.captureConsole.restore');

/**
 * Turns `console.*` calls into records of `logger` (scope `console`), with the matching level.
 * The message is formatted as `console` would (`util.format`); an `Error` argument also fills
 * the record's `exception.*` attributes. Returns a function that restores the console.
 * Capturing twice replaces the first capture.
 */
export function captureConsole(logger: Logger, options: CaptureConsoleOptions = {}): () => void {
  const target = options.console ?? console;
  const passThrough = options.passThrough ?? true;
  const holder = target as unknown as Record<symbol, (() => void) | undefined>;
  holder[ACTIVE]?.();
  const log = logger.child({}, { name: 'console' });
  const originals = new Map<Method, (...args: unknown[]) => void>();
  // A log call that itself writes to the console (a toJSON, a diag sink) must not loop.
  let inside = false;
  for (const method of Object.keys(METHODS) as Method[]) {
    const original = target[method] as (...args: unknown[]) => void;
    originals.set(method, original);
    const level = METHODS[method];
    target[method] = function captured(this: unknown, ...args: unknown[]) {
      if (passThrough) original.apply(target, args);
      if (inside) return;
      inside = true;
      try {
        // An Error goes to the record's exception.* attributes; in the body its first line is
        // enough (the stack would otherwise be there twice).
        const err = args.find((a): a is Error => a instanceof Error);
        const message = formatWithOptions(
          { colors: false },
          ...args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : a)),
        );
        log[level](message, err ? { err } : undefined);
      } catch {
        // A log call never throws into the app; console must not either.
      } finally {
        inside = false;
      }
    };
  }
  const restore = () => {
    for (const [method, original] of originals) target[method] = original;
    if (holder[ACTIVE] === restore) holder[ACTIVE] = undefined;
  };
  holder[ACTIVE] = restore;
  return restore;
}
