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

/** What is kept on `globalThis` (the same shape in every copy and version of podlog). */
interface Registration {
  logger: Logger;
}

const KEY = Symbol.for('podlog.register');

/**
 * The process-wide logger created by `podlog/register` (created from the environment on the
 * first call if the register hook was not preloaded).
 */
export function getLogger(): Logger {
  const slot = globalThis as { [KEY]?: Registration };
  if (slot[KEY] === undefined) {
    // Config reads the environment (PODLOG_CAPTURE_CONSOLE included), validated like any option.
    const config = resolveConfig();
    const logger = createLoggerFromConfig(config);
    slot[KEY] = { logger };
    if (config.captureConsole) captureConsole(logger);
  }
  return slot[KEY].logger;
}
