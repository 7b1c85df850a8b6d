/**
 * `PodlogTransport`: a winston transport that sends winston records through podlog's pipeline.
 *
 * Its options are checked at construction like `createLogger` checks its own: winston's
 * transport options, the transport's own, and podlog's `createLogger` options given flat
 * (`new PodlogTransport({ endpoint, serviceName })`). An unknown key is refused with the same
 * `UnknownOptionError` `createLogger` throws, so a typo never goes unnoticed.
 *
 * Backpressure: `log()` calls back only once podlog has accepted the record. While podlog's queue
 * is nearly full, the transport waits for it to drain before accepting the next record, so
 * winston's stream buffers up to its `highWaterMark` and then holds its source, instead of
 * podlog dropping records or anything buffering without bound.
 */
import TransportStream from 'winston-transport';
import type { LoggerOptions } from '../../config/options.js';
import { ALL_LOGGER_OPTION_KEYS, type Config, resolveConfig } from '../../config/resolve.js';
import { checkKeys, isPlainObject } from '../../config/validate.js';
import { InvalidOptionError } from '../../errors.js';
import { createLoggerFromConfig } from '../../logger/create-logger.js';
import { EMIT_FOREIGN, type Logger } from '../../logger/logger.js';
import { Hold, holdAtOption } from '../foreign.js';
import { infoToRecord, type LevelMap } from './info-to-record.js';
import { OtelBridgeGuard } from './otel-bridge.js';

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

type Info = Record<string | symbol, unknown>;

/**
 * A winston transport that sends winston records through podlog: add it with
 * `winston.add(new PodlogTransport({ endpoint, serviceName }))`, or use `createLoggerFromWinston`
 * to carry over the winston logger's level and `defaultMeta`.
 *
 * Without a `logger` option the transport creates its podlog logger when it is added to a
 * winston logger (or at its first record, if used alone). Its `service.name` is, first to be
 * set: the `serviceName` option, that winston logger's `defaultMeta.service`, `OTEL_SERVICE_NAME`.
 */
export class PodlogTransport extends TransportStream {
  #logger: Logger | undefined;
  /** Config of the logger to create; undefined once created, or when one was given. */
  #config: Config | undefined;
  readonly #owned: boolean;
  readonly #severityMapping: LevelMap | undefined;
  readonly #hold: Hold<[Info, (() => void) | undefined]>;
  #closing: Promise<void> | undefined;
  /** instrumentation-winston's own transport on the same logger would deliver each call again. */
  readonly #bridge = new OtelBridgeGuard();

  /** @throws InvalidOptionError (or its subclass UnknownOptionError) for a bad or unknown option. */
  constructor(options: PodlogTransportOptions = {}) {
    const { config, holdAt } = resolveTransportOptions(options);
    super(options);
    this.#logger = options.logger;
    this.#config = config;
    this.#owned = options.logger === undefined;
    this.#hold = new Hold({
      logger: () => this.logger,
      holdAt,
      letIn: ([info, callback]) => this.#accept(info, callback),
      onHold: () =>
        this.emit('warn', new Error('podlog queue is full: holding the winston stream until it drains')),
    });
    this.#severityMapping = options.severityMapping;
    // Created once piped, from that winston logger's service: winston-transport sets `parent` on
    // its own 'pipe' listener, registered before this one.
    if (this.#owned) this.once('pipe', () => this.logger);
    this.on('pipe', (source: { transports?: unknown }) => this.#bridge.check(source));
  }

  /** The podlog logger records go to (created on first use when the transport owns it). */
  get logger(): Logger {
    if (this.#logger === undefined) {
      const config = this.#config as Config;
      const service = serviceOfWinston((this as { parent?: unknown }).parent);
      this.#config = undefined;
      this.#logger = createLoggerFromConfig(
        config.serviceName === undefined && service !== undefined
          ? Object.freeze({ ...config, serviceName: service })
          : config,
      );
    }
    return this.#logger;
  }

  /** Called by winston for each record; calls back once podlog accepted it (see Backpressure above). */
  override log(info: Info, callback?: () => void): void {
    this.#bridge.check((this as { parent?: { transports?: unknown } }).parent);
    if (this.#hold.passes()) {
      this.#accept(info, callback);
      return;
    }
    // winston's _writev hands over every buffered record at once; hold them here and let them
    // in one at a time, re-checking the fill, so a wake-up cannot overfill podlog's queue.
    // (Bounded: the stream gives us at most its highWaterMark before it holds its source.)
    this.#hold.push([info, callback]);
  }

  #accept(info: Info, callback: (() => void) | undefined): void {
    try {
      this.logger[EMIT_FOREIGN](
        infoToRecord(info, (this as { levels?: Record<string, number> }).levels, this.#severityMapping),
      );
    } catch (err) {
      // infoToRecord reads user objects; a throwing getter must not stall the stream.
      this.emit('warn', err);
    }
    if (info.exception === true || info.rejection === true) {
      // winston's handler is about to exit the process: it waits up to 3 s for this transport
      // to 'finish'. Get the record out now, and when winston will exit anyway, finish at once.
      this.logger.flush().finally(() => {
        this.#logged(info, callback);
        const parent = (this as { parent?: { exitOnError?: unknown } }).parent;
        if (parent?.exitOnError === true) this.end();
      });
      return;
    }
    this.#logged(info, callback);
  }

  #logged(info: Info, callback: (() => void) | undefined): void {
    setImmediate(() => this.emit('logged', info));
    // winston always passes one; a direct `log(info)` (winston's own transport suite) may not.
    callback?.();
  }

  /** Resolves when everything accepted so far is exported, spooled or dropped-and-counted. */
  flush(): Promise<void> {
    return this.#logger?.flush() ?? Promise.resolve();
  }

  /** Stream end (`logger.end()`): 'finish' fires only after podlog has flushed. */
  override _final(callback: (error?: Error | null) => void): void {
    this.flush().then(() => callback(), callback);
  }

  /**
   * Called by winston when the transport is removed or the logger closed: flushes, and shuts
   * down the logger if the transport created it. Emits `closed` when done.
   */
  override close(): Promise<void> {
    this.#closing ??= (this.#owned ? this.logger.shutdown() : this.logger.flush()).then(
      () => {
        this.emit('closed');
      },
      (err: Error) => {
        this.emit('error', err);
      },
    );
    return this.#closing;
  }
}

/**
 * Validates `options` and resolves `holdAt` and the config of the logger to create (undefined
 * with `logger`), so a bad option throws here, from the constructor, never later from winston's
 * `add` or a log call.
 */
function resolveTransportOptions(options: PodlogTransportOptions): { config?: Config; holdAt: number } {
  if (!isPlainObject(options as unknown)) {
    throw new InvalidOptionError('options', options, 'an object of PodlogTransport options (or nothing)');
  }
  checkKeys(options, '', KNOWN_KEYS);
  const given = options as Readonly<Record<string, unknown>>;
  const flat: Record<string, unknown> = {};
  for (const key of PODLOG_KEYS) if (given[key] !== undefined) flat[key] = given[key];
  const holdAt = holdAtOption(options.holdAt);
  if (options.logger !== undefined) {
    const podlogKeys = Object.keys(flat);
    if (options.loggerOptions !== undefined) podlogKeys.unshift('loggerOptions');
    if (podlogKeys.length > 0) {
      throw new InvalidOptionError(
        podlogKeys[0],
        given[podlogKeys[0]],
        'no podlog options together with `logger`: the given logger was configured already (set them where it is created, or drop `logger`)',
      );
    }
    return { holdAt };
  }
  if (options.loggerOptions !== undefined && !isPlainObject(options.loggerOptions)) {
    throw new InvalidOptionError('loggerOptions', options.loggerOptions, 'an object of createLogger options');
  }
  // winston filters by level before the transport sees a record: the podlog logger takes them all.
  const config = resolveConfig({ level: 'trace', ...options.loggerOptions, ...flat } as LoggerOptions);
  return { config, holdAt };
}

/**
 * `service.name` from a winston logger's `defaultMeta.service`, the place winston's docs put it;
 * undefined when it is not a non-blank string.
 */
function serviceOfWinston(parent: unknown): string | undefined {
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
