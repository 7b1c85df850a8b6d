/**
 * `PodlogTransport`: a winston transport that sends winston records through podlog's pipeline.
 *
 * Backpressure: `log()` calls back only once podlog has accepted the record. While podlog's queue
 * is nearly full, the transport waits for it to drain before accepting the next record, so
 * winston's stream buffers up to its `highWaterMark` and then holds its source, instead of
 * podlog dropping records or anything buffering without bound.
 */
import TransportStream from 'winston-transport';
import type { Config } from '../../config/resolve.js';
import { createLoggerFromConfig } from '../../logger/create-logger.js';
import type { Logger } from '../../logger/logger.js';
import { emitForeign } from '../foreign.js';
import { infoToRecord } from './info-to-record.js';
import type { LevelMap } from './levels.js';
import { OtelBridgeGuard } from './otel-bridge.js';
import {
  type PodlogTransportOptions,
  resolveTransportOptions,
  serviceOfWinston,
} from './transport-options.js';

export type { PodlogTransportOptions } from './transport-options.js';

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
  readonly #holdAt: number;
  readonly #severityMapping: LevelMap | undefined;
  #holding = false;
  readonly #waiting: Array<[Info, (() => void) | undefined]> = [];
  #closing: Promise<void> | undefined;
  /** instrumentation-winston's own transport on the same logger would deliver each call again. */
  readonly #bridge = new OtelBridgeGuard();

  /** @throws InvalidOptionError (or its subclass UnknownOptionError) for a bad or unknown option. */
  constructor(options: PodlogTransportOptions = {}) {
    const settings = resolveTransportOptions(options);
    super(options);
    this.#logger = settings.logger;
    this.#config = settings.config;
    this.#owned = settings.logger === undefined;
    this.#holdAt = settings.holdAt;
    this.#severityMapping = settings.severityMapping;
    // winston-transport sets `parent` on its own 'pipe' listener, registered before this one.
    if (this.#owned) this.once('pipe', (source: unknown) => this.#create(serviceOfWinston(source)));
    this.on('pipe', (source: { transports?: unknown }) => this.#bridge.check(source));
  }

  /** The podlog logger records go to (created on first use when the transport owns it). */
  get logger(): Logger {
    return this.#logger ?? this.#create(serviceOfWinston((this as { parent?: unknown }).parent));
  }

  #create(service: string | undefined): Logger {
    if (this.#logger !== undefined) return this.#logger;
    const config = this.#config as Config;
    this.#config = undefined;
    this.#logger = createLoggerFromConfig(
      config.serviceName === undefined && service !== undefined
        ? Object.freeze({ ...config, serviceName: service })
        : config,
    );
    return this.#logger;
  }

  /** Called by winston for each record; calls back once podlog accepted it (see Backpressure above). */
  override log(info: Info, callback?: () => void): void {
    this.#bridge.check((this as { parent?: { transports?: unknown } }).parent);
    if (this.#waiting.length === 0 && this.logger.pressure < this.#holdAt) {
      this.#accept(info, callback);
      return;
    }
    // winston's _writev hands over every buffered record at once; queue them here and let them
    // in one at a time, re-checking the fill, so a wake-up cannot overfill podlog's queue.
    // (Bounded: the stream gives us at most its highWaterMark before it holds its source.)
    this.#waiting.push([info, callback]);
    if (this.#waiting.length === 1) void this.#pump();
  }

  async #pump(): Promise<void> {
    while (this.#waiting.length > 0) {
      if (this.logger.pressure >= this.#holdAt) {
        if (!this.#holding) {
          this.#holding = true;
          this.emit('warn', new Error('podlog queue is full: holding the winston stream until it drains'));
        }
        try {
          await this.logger.drained();
        } catch {
          // drained() does not reject; if it ever did, go on rather than stall the stream.
        }
        continue;
      }
      this.#holding = false;
      const [info, callback] = this.#waiting.shift() as [Info, (() => void) | undefined];
      this.#accept(info, callback);
    }
  }

  #accept(info: Info, callback: (() => void) | undefined): void {
    try {
      emitForeign(
        this.logger,
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
    (this.#logger?.flush() ?? Promise.resolve()).then(
      () => callback(),
      (err: Error) => callback(err),
    );
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
