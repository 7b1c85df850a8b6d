/**
 * `PodlogTransport`: a winston transport that sends winston records through podlog's pipeline.
 *
 * Backpressure: `log()` calls back only once podlog has accepted the record. While podlog's queue
 * is nearly full, the transport waits for it to drain before accepting the next record, so
 * winston's stream buffers up to its `highWaterMark` and then holds its source, instead of
 * podlog dropping records or anything buffering without bound.
 */
import TransportStream from 'winston-transport';
import type { LoggerOptions } from '../../config/options.js';
import { createLogger } from '../../logger/create-logger.js';
import type { Logger } from '../../logger/logger.js';
import { emitForeign } from '../foreign.js';
import { infoToRecord } from './info-to-record.js';
import type { LevelMap } from './levels.js';
import { OtelBridgeGuard } from './otel-bridge.js';

/** Options of {@link PodlogTransport}: winston's transport options plus podlog's. */
export interface PodlogTransportOptions extends TransportStream.TransportStreamOptions {
  /** The podlog logger to write into. Default: one created from `loggerOptions` and the environment. */
  logger?: Logger;
  /** Options of the logger the transport creates when `logger` is not given (level default `trace`: winston filters). */
  loggerOptions?: LoggerOptions;
  /** Queue fill (0..1) from which the transport holds the stream until podlog drains. Default 0.9. */
  holdAt?: number;
  /** Severity numbers for level names, winning over the built-in mapping. */
  severityMapping?: LevelMap;
}

type Info = Record<string | symbol, unknown>;

/**
 * A winston transport that sends winston records through podlog: add it with
 * `winston.add(new PodlogTransport())`, or use `createLoggerFromWinston` to carry over the
 * winston logger's level and `defaultMeta`.
 */
export class PodlogTransport extends TransportStream {
  /** The podlog logger records go to. */
  readonly logger: Logger;
  readonly #owned: boolean;
  readonly #holdAt: number;
  readonly #severityMapping: LevelMap | undefined;
  #holding = false;
  readonly #waiting: Array<[Info, () => void]> = [];
  #closing: Promise<void> | undefined;
  /** instrumentation-winston's own transport on the same logger would deliver each call again. */
  readonly #bridge = new OtelBridgeGuard();

  constructor(options: PodlogTransportOptions = {}) {
    super(options);
    this.#owned = options.logger === undefined;
    this.logger = options.logger ?? createLogger({ level: 'trace', ...options.loggerOptions });
    const holdAt = options.holdAt ?? 0.9;
    this.#holdAt = Number.isFinite(holdAt) && holdAt > 0 && holdAt <= 1 ? holdAt : 0.9;
    this.#severityMapping = options.severityMapping;
    this.on('pipe', (source: { transports?: unknown }) => this.#bridge.check(source));
  }

  /** Called by winston for each record; calls back once podlog accepted it (see Backpressure above). */
  override log(info: Info, callback: () => void): void {
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
      const [info, callback] = this.#waiting.shift() as [Info, () => void];
      this.#accept(info, callback);
    }
  }

  #accept(info: Info, callback: () => void): void {
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

  #logged(info: Info, callback: () => void): void {
    setImmediate(() => this.emit('logged', info));
    callback();
  }

  /** Resolves when everything accepted so far is exported, spooled or dropped-and-counted. */
  flush(): Promise<void> {
    return this.logger.flush();
  }

  /** Stream end (`logger.end()`): 'finish' fires only after podlog has flushed. */
  override _final(callback: (error?: Error | null) => void): void {
    this.logger.flush().then(
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
