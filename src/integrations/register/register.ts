/**
 * The process-wide logger of `podlog/register`. It lives on `globalThis` (under a registered
 * symbol) so the ESM and CommonJS copies of podlog, which a process can load side by side,
 * share one logger. Flushing at exit (beforeExit, SIGTERM/SIGINT, `process.exit()`) is the
 * pipeline's own exit handling (`handleExit`, on by default), so nothing is installed here.
 */
import { resolveConfig } from '../../config/resolve.js';
import { createLoggerFromConfig } from '../../logger/create-logger.js';
import type { Logger } from '../../logger/logger.js';
import { captureConsole } from '../console/capture-console.js';

interface Registration {
  logger: Logger;
  restoreConsole?: () => void;
}

const KEY = Symbol.for('podlog.register');

function slot(): { [KEY]?: Registration } {
  return globalThis as { [KEY]?: Registration };
}

/** Creates the process-wide logger once, from the environment alone. */
export function ensureRegistered(): Registration {
  const existing = slot()[KEY];
  if (existing) return existing;
  // Config reads the environment (PODLOG_CAPTURE_CONSOLE included), validated like any option.
  const config = resolveConfig();
  const logger = createLoggerFromConfig(config);
  const registration: Registration = { logger };
  slot()[KEY] = registration;
  if (config.captureConsole) registration.restoreConsole = captureConsole(logger);
  return registration;
}

/**
 * The process-wide logger created by `podlog/register` (created from the environment on the
 * first call if the register hook was not preloaded).
 */
export function getLogger(): Logger {
  return ensureRegistered().logger;
}
