/**
 * Switch gradually: a podlog logger configured like an existing winston logger (level, silent,
 * `defaultMeta`), so new code can log through podlog while old code keeps using winston.
 */
import type { LoggerOptions } from '../../config/options.js';
import { createLogger } from '../../logger/create-logger.js';
import type { Logger } from '../../logger/logger.js';
import type { LevelOrSilent } from '../../record/level-table.js';
import { levelForSeverity } from '../foreign.js';
import { severityOf } from './info-to-record.js';

/** The parts of a winston logger this reads. */
export interface WinstonLike {
  /** winston level name; mapped to the podlog level whose severity range holds it. */
  level?: string;
  /** winston's level table (name → priority), for custom levels. */
  levels?: Readonly<Record<string, number>>;
  /** `true` turns the podlog logger off (`silent`). */
  silent?: boolean;
  /** `service` becomes `serviceName`; other keys become child bindings. */
  defaultMeta?: unknown;
}

/**
 * `createLogger` options and child bindings from a winston logger: its level (mapped to the
 * podlog level whose range holds it), `silent`, and `defaultMeta` (`service` becomes
 * `serviceName`, other keys become bindings).
 */
export function optionsFromWinston(winston: WinstonLike): {
  options: LoggerOptions;
  bindings: Record<string, unknown>;
} {
  const options: LoggerOptions = {};
  if (winston.silent) options.level = 'silent';
  else if (typeof winston.level === 'string') {
    options.level = levelForSeverity(severityOf(winston.level, winston.levels)) as LevelOrSilent;
  }
  const bindings: Record<string, unknown> = {};
  if (winston.defaultMeta !== null && typeof winston.defaultMeta === 'object') {
    for (const [key, value] of Object.entries(winston.defaultMeta)) {
      if (key === 'service' && typeof value === 'string' && value) options.serviceName = value;
      else bindings[key] = value;
    }
  }
  return { options, bindings };
}

/** A podlog logger with a winston logger's settings; `overrides` win. */
export function createLoggerFromWinston(winston: WinstonLike, overrides: LoggerOptions = {}): Logger {
  const { options, bindings } = optionsFromWinston(winston);
  const logger = createLogger({ ...options, ...overrides });
  return Object.keys(bindings).length > 0 ? logger.child(bindings) : logger;
}
