/**
 * `PodlogDestination`: a pino destination stream that sends pino's lines through podlog, in the
 * thread that logs. pino serializes the record (its serializers, redaction, formatters) and
 * calls `write(line)` synchronously inside the log call; the line is parsed back
 * (line-to-record.ts) and enters podlog through the integration seam, so the caller's active
 * span is still active and the record gets podlog's resource, batching, retries, spool and
 * accounting.
 *
 * Level filtering is pino's: the destination writes into a child of the podlog logger whose own
 * level is `trace`, so podlog's configured level does not filter pino's records a second time.
 *
 * Backpressure without blocking pino: while podlog's queue is nearly full (`pressure >= holdAt`),
 * lines are held here, as the strings pino wrote, and let in as podlog drains. The hold is
 * bounded (`maxHeldBytes`); past it a line goes to podlog at once, where the queue's overflow
 * policy applies and any drop is counted in `stats()`. Held lines are handed to podlog before
 * the process exits (`flushSync`, also what pino calls after `fatal`), so none is lost uncounted.
 */

import type { LoggerOptions } from '../../config/options.js';
import * as opt from '../../config/schema.js';
import { isPlainObject, optionGroup } from '../../config/validate.js';
import { InvalidOptionError } from '../../errors.js';
import { createLogger } from '../../logger/create-logger.js';
import { EMIT_FOREIGN, type ForeignRecord, type Logger } from '../../logger/logger.js';
import { activeSpanContext } from '../../logger/trace-context.js';
import { Hold, holdAtOption, withCallback } from '../foreign.js';
import {
  DEFAULT_PINO_FORMAT,
  formatFromPinoMessage,
  lineToRecord,
  type PinoFormat,
  pinoLevels,
} from './line-to-record.js';

/** Options of {@link podlogDestination}. */
export interface PodlogDestinationOptions {
  /** Options of the logger created when none is given. Default: `createLogger()` from the environment. */
  loggerOptions?: LoggerOptions;
  /**
   * pino's `customLevels`, for a destination pino does not tell its configuration to (inside
   * `pino.multistream`). Plain `pino(opts, destination)` sends it, and that wins.
   */
  customLevels?: Readonly<Record<string, number>>;
  /** pino's `useOnlyCustomLevels`, with `customLevels`. Default `false`. */
  useOnlyCustomLevels?: boolean;
  /** pino's `messageKey`, when pino does not tell it (see `customLevels`). Default `msg`. */
  messageKey?: string;
  /** pino's `errorKey`, when pino does not tell it (see `customLevels`). Default `err`. */
  errorKey?: string;
  /** Queue fill (0..1] from which lines are held until podlog drains. Default 0.9. */
  holdAt?: number;
  /** Most characters of lines held at once; past it lines go to podlog at once. Default 16 MiB. */
  maxHeldBytes?: number;
}

/**
 * Every option, for the key check; the schema checks the plain ones, the `custom` ones (pino's
 * level shapes, the logger's options, the shared `holdAt`) are resolved in the constructor.
 */
const OPTIONS = {
  loggerOptions: opt.custom({ accepts: 'createLogger options' }),
  customLevels: opt.custom({ accepts: "pino's customLevels" }),
  useOnlyCustomLevels: opt.bool({ default: false }),
  messageKey: opt.str({ default: DEFAULT_PINO_FORMAT.messageKey }),
  errorKey: opt.str({ default: DEFAULT_PINO_FORMAT.errorKey }),
  holdAt: opt.custom({ accepts: 'number (0, 1]' }),
  maxHeldBytes: opt.int({ min: 0, default: 16 * 1024 * 1024 }),
} satisfies Record<keyof PodlogDestinationOptions, opt.OptionSpec>;

type SpanContext = ForeignRecord['spanContext'];

/** A line that waits for podlog to drain, with the trace context of the call that wrote it. */
interface Held {
  line: string;
  span: SpanContext;
}

/**
 * A pino destination writing into podlog. Create it with {@link podlogDestination}; give it to
 * pino as its stream: `pino(options, podlogDestination(log))`.
 */
export class PodlogDestination {
  /** The logger pino's records are written into (a child of the given one, at level `trace`). */
  readonly logger: Logger;
  readonly #root: Logger;
  readonly #owned: boolean;
  readonly #maxHeld: number;
  readonly #spanContext = activeSpanContext();
  #format: PinoFormat;
  readonly #held: Hold<Held>;
  #heldChars = 0;
  readonly #flushAtExit = () => this.flushSync();
  #exitHooked = false;

  /** @internal Use {@link podlogDestination}. */
  constructor(log: Logger | undefined, options: PodlogDestinationOptions = {}) {
    // Every option is checked before a logger is created: a bad one must not leave one running.
    const given =
      optionGroup(options, '', Object.keys(OPTIONS), 'an object of podlogDestination options') ?? {};
    const o = given as PodlogDestinationOptions;
    const holdAt = holdAtOption(o.holdAt);
    const { maxHeldBytes, useOnlyCustomLevels, messageKey, errorKey } = opt.resolveFields(
      OPTIONS,
      given,
      '',
      {},
    );
    this.#maxHeld = maxHeldBytes;
    this.#format = {
      messageKey,
      errorKey,
      levels:
        o.customLevels === undefined
          ? DEFAULT_PINO_FORMAT.levels
          : pinoLevels(levelsOption(o.customLevels), useOnlyCustomLevels),
    };
    this.#owned = log === undefined;
    this.#root = log ?? createLogger(o.loggerOptions);
    this.logger = this.#root.child({}, { level: 'trace' });
    this.#held = new Hold({
      logger: () => this.logger,
      holdAt,
      letIn: (held) => {
        this.#heldChars -= held.line.length;
        this.#emit(held.line, held.span);
      },
      onEmpty: () => {
        this.#exitHooked = false;
        process.removeListener('exit', this.#flushAtExit);
      },
    });
  }

  /**
   * Always `true`: how pino recognises a stream given as its only argument
   * (`pino(podlogDestination())`), as it does Node's writable streams.
   */
  get writable(): boolean {
    return true;
  }

  /** Lines held until podlog drains. */
  get held(): number {
    return this.#held.size;
  }

  /** Called by pino with each serialized line. Never throws, never blocks. */
  write(chunk: string): boolean {
    try {
      const line = typeof chunk === 'string' ? chunk : String(chunk);
      // When the hold is full, podlog's overflow policy decides, and counts.
      if (this.#held.passes() || this.#heldChars + line.length > this.#maxHeld) {
        this.#emit(line, undefined);
        return true;
      }
      // The span of the call that wrote the line: by the time it is let in, another may be active.
      this.#held.push({ line, span: this.#spanContext() ?? null });
      this.#heldChars += line.length;
      if (!this.#exitHooked) {
        this.#exitHooked = true;
        // Before podlog's own exit handler (registered at createLogger), which writes out the queue.
        process.prependListener('exit', this.#flushAtExit);
      }
    } catch {
      // Never into pino's log call. (EMIT_FOREIGN itself reports and counts its failures.)
    }
    return true;
  }

  /**
   * pino announces its configuration (levels, message and error keys) to a destination that
   * has `emit` (`stream.emit('message', …)` in pino.js); this is that hook, not an event emitter.
   */
  emit(event: string, message?: unknown): boolean {
    const format = event === 'message' ? formatFromPinoMessage(message, this.#format) : undefined;
    if (format === undefined) return false;
    this.#format = format;
    return true;
  }

  /**
   * Hands every held line to podlog now (pino calls this after `fatal`; the destination calls it
   * at process exit). podlog's queue bound applies: what does not fit is dropped and counted.
   */
  flushSync(): void {
    this.#held.releaseAll();
  }

  /**
   * Resolves (and calls `cb`) once every line written so far is exported, spooled or
   * dropped-and-counted (pino's `logger.flush(cb)` calls this).
   */
  flush(cb?: (err?: Error) => void): Promise<void> {
    return withCallback(
      this.#held.empty().then(() => this.#root.flush()),
      cb,
    );
  }

  /** Flushes, then shuts down the logger if the destination created it (else only flushes). */
  end(cb?: (err?: Error) => void): Promise<void> {
    return withCallback(
      this.#held.empty().then(() => (this.#owned ? this.#root.shutdown() : this.#root.flush())),
      cb,
    );
  }

  #emit(line: string, span: SpanContext): void {
    const nl = line.indexOf('\n');
    if (nl === -1 || nl === line.length - 1) {
      this.logger[EMIT_FOREIGN](lineToRecord(line, this.#format, span));
      return;
    }
    // pino writes one line per call; a chunk from elsewhere (a multistream, a hook) may hold more.
    for (const part of line.split('\n')) {
      if (part.trim() !== '') this.logger[EMIT_FOREIGN](lineToRecord(part, this.#format, span));
    }
  }
}

/**
 * A pino destination that sends pino's records through podlog: OTLP export with podlog's
 * resource, batching, retries, disk spool and accounting. The one-line switch:
 *
 * @example
 * import pino from 'pino';
 * import { podlogDestination } from 'podlog/pino';
 * const logger = pino({ level: 'info' }, podlogDestination());
 *
 * @param log The podlog logger to write into. Default: one created from `options.loggerOptions`
 *   and the environment (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_SERVICE_NAME`, …), shut down by
 *   {@link PodlogDestination.end}.
 * @throws InvalidOptionError for a bad option.
 */
export function podlogDestination(log?: Logger, options?: PodlogDestinationOptions): PodlogDestination {
  return new PodlogDestination(log, options);
}

function levelsOption(value: unknown): Readonly<Record<string, number>> {
  if (
    !isPlainObject(value) ||
    !Object.values(value).every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new InvalidOptionError('customLevels', value, "pino's customLevels: an object of label → number");
  }
  return value as Record<string, number>;
}
