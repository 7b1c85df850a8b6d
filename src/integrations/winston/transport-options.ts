/**
 * The options of `PodlogTransport`, checked at construction like `createLogger` checks its own:
 * winston's transport options, the transport's own, and podlog's `createLogger` options given
 * flat (`new PodlogTransport({ endpoint, serviceName })`). An unknown key is refused with the
 * same `UnknownOptionError` `createLogger` throws, so a typo never goes unnoticed.
 */
import type TransportStream from 'winston-transport';
import type { LoggerOptions } from '../../config/options.js';
import { ALL_LOGGER_OPTION_KEYS, type Config, resolveConfig } from '../../config/resolve.js';
import { checkKeys, finiteNumber, isPlainObject } from '../../config/validate.js';
import { InvalidOptionError } from '../../errors.js';
import type { Logger } from '../../logger/logger.js';
import type { LevelMap } from './levels.js';

/**
 * Options of {@link PodlogTransport}: winston's transport options (`level`, `format`, `silent`,
 * `handleExceptions`, …), the transport's own, and every `createLogger` option but `level`,
 * flat (`{ endpoint, serviceName, spool }`). `level` is winston's: the transport's own filter by
 * winston level name; the podlog logger the transport creates logs every level it is given.
 */
export interface PodlogTransportOptions
  extends TransportStream.TransportStreamOptions,
    Omit<LoggerOptions, 'level'> {
  /**
   * The podlog logger to write into. Default: one the transport creates from the other options
   * and the environment (and shuts down on `close()`). Cannot be combined with podlog options.
   */
  logger?: Logger;
  /**
   * `createLogger` options of the logger the transport creates, as an object; the flat options
   * win over it. Kept for 0.1 code; prefer the flat form. Its `level` defaults to `trace`.
   */
  loggerOptions?: LoggerOptions;
  /** Queue fill (above 0, at most 1) from which the transport holds the stream until podlog drains. Default 0.9. */
  holdAt?: number;
  /** Severity numbers for level names, winning over the built-in mapping. */
  severityMapping?: LevelMap;
  /** winston-transport's stream buffer, in records. */
  highWaterMark?: number;
}

/** winston's own transport options (winston-transport reads these; the typings omit `highWaterMark`). */
const WINSTON_KEYS = [
  'format',
  'level',
  'silent',
  'handleExceptions',
  'handleRejections',
  'log',
  'logv',
  'close',
  'highWaterMark',
];
const TRANSPORT_KEYS = ['logger', 'loggerOptions', 'holdAt', 'severityMapping'];
const PODLOG_KEYS = ALL_LOGGER_OPTION_KEYS.filter((key) => key !== 'level');
const KNOWN_KEYS: readonly string[] = [...WINSTON_KEYS, ...TRANSPORT_KEYS, ...PODLOG_KEYS];

/** The transport's options resolved: either a logger given, or the config of the one to create. */
export interface TransportSettings {
  readonly logger: Logger | undefined;
  /** Resolved (validated) config of the logger to create; undefined when `logger` was given. */
  readonly config: Config | undefined;
  readonly holdAt: number;
  readonly severityMapping: LevelMap | undefined;
}

/**
 * Validates `options` and resolves the config of the logger to create (so a bad option throws
 * here, from the constructor, never later from winston's `add` or a log call).
 */
export function resolveTransportOptions(options: PodlogTransportOptions): TransportSettings {
  if (!isPlainObject(options as unknown)) {
    throw new InvalidOptionError('options', options, 'an object of PodlogTransport options (or nothing)');
  }
  checkKeys(options, '', KNOWN_KEYS);
  const flat: Record<string, unknown> = {};
  for (const key of PODLOG_KEYS) {
    if (options[key as keyof PodlogTransportOptions] !== undefined) {
      flat[key] = options[key as keyof PodlogTransportOptions];
    }
  }
  const holdAt = finiteNumber(options.holdAt, 'holdAt', 0.9, 0, 1);
  if (holdAt === 0) throw new InvalidOptionError('holdAt', holdAt, 'a number above 0, at most 1');
  const severityMapping = options.severityMapping;
  if (options.logger !== undefined) {
    const given = Object.keys(flat);
    if (options.loggerOptions !== undefined) given.unshift('loggerOptions');
    if (given.length > 0) {
      throw new InvalidOptionError(
        given[0],
        options[given[0] as keyof PodlogTransportOptions],
        'no podlog options together with `logger`: the given logger was configured already (set them where it is created, or drop `logger`)',
      );
    }
    return { logger: options.logger, config: undefined, holdAt, severityMapping };
  }
  if (options.loggerOptions !== undefined && !isPlainObject(options.loggerOptions)) {
    throw new InvalidOptionError('loggerOptions', options.loggerOptions, 'an object of createLogger options');
  }
  // winston filters by level before the transport sees a record: the podlog logger takes them all.
  const config = resolveConfig({ level: 'trace', ...options.loggerOptions, ...flat } as LoggerOptions);
  return { logger: undefined, config, holdAt, severityMapping };
}

/**
 * `service.name` from a winston logger's `defaultMeta.service`, the place winston's docs put it;
 * undefined when it is not a non-blank string.
 */
export function serviceOfWinston(parent: unknown): string | undefined {
  if (parent === null || typeof parent !== 'object') return undefined;
  try {
    const meta = (parent as { defaultMeta?: unknown }).defaultMeta;
    if (meta === null || typeof meta !== 'object') return undefined;
    const service = (meta as { service?: unknown }).service;
    return typeof service === 'string' && service.trim() !== '' ? service : undefined;
  } catch {
    // A throwing getter on defaultMeta: no service from it.
    return undefined;
  }
}
