/**
 * A NestJS `LoggerService` over a podlog logger. Nest's calling conventions, as its own
 * ConsoleLogger reads them: a trailing string argument is the context (the class that
 * logs, `RoutesResolver`, `OrdersService`), `error`/`fatal` may carry a stack string, and
 * plain objects among the arguments are structured parameters. Here the context becomes
 * the logger name (the record's instrumentation scope, so run-time levels by name apply:
 * `log.setLevel('debug', { logger: 'OrdersService' })`), the stack `exception.stacktrace`,
 * and the parameters attributes.
 *
 * podlog does not import `@nestjs/*`: the class matches Nest's `LoggerService` by shape.
 */
import { isPlainObject } from '../../config/validate.js';
import type { Fields } from '../../logger/call-forms.js';
import type { Logger } from '../../logger/logger.js';
import { isErrorValue } from '../../record/error-entries.js';
import { LEVELS, type Level } from '../../record/level-table.js';
import { RequestLog } from '../http/request-log.js';

/** Nest's log levels (`LogLevel` of `@nestjs/common`). */
export type NestLogLevel = 'verbose' | 'debug' | 'log' | 'warn' | 'error' | 'fatal';

const LEVEL_OF: Readonly<Record<NestLogLevel, Level>> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** Nest's context when it logs an exception no filter handled (then answers 500). */
const EXCEPTIONS_HANDLER = 'ExceptionsHandler';

/** Most distinct context names given their own logger; past it, `nest.context` attributes. */
const MAX_CONTEXT_LOGGERS = 256;

/** Options of {@link PodlogNestLogger}. */
export interface PodlogNestLoggerOptions {
  /** Context of calls that give none (Nest's `new ConsoleLogger(context)`). */
  context?: string;
}

/** Nest's test for a stack string (ConsoleLogger.isStackFormat). */
function isStack(value: unknown): value is string {
  return typeof value === 'string' && /^(.)+\n\s+at .+:\d+:\d+/.test(value);
}

/**
 * NestJS `LoggerService` writing to a podlog logger.
 *
 * @example
 * const app = await NestFactory.create(AppModule, { logger: new PodlogNestLogger(log) });
 * app.use(httpLogger({ logger: log }));   // podlog/http: request ids on every record
 */
export class PodlogNestLogger {
  readonly #root: Logger;
  readonly #byContext = new Map<string, Logger>();
  #context: string | undefined;

  constructor(logger: Logger, options: PodlogNestLoggerOptions = {}) {
    this.#root = logger;
    this.#context =
      typeof options?.context === 'string' && options.context !== '' ? options.context : undefined;
  }

  /** Nest's `log` level: INFO. */
  log(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('info', message, optionalParams, false);
  }

  /** ERROR; a stack string (Nest passes `err.stack`) becomes `exception.stacktrace`. */
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('error', message, optionalParams, true);
  }

  /** WARN. */
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('warn', message, optionalParams, false);
  }

  /** DEBUG. */
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('debug', message, optionalParams, false);
  }

  /** Nest's `verbose`: TRACE. */
  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('trace', message, optionalParams, false);
  }

  /** FATAL; a stack string becomes `exception.stacktrace`. */
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('fatal', message, optionalParams, true);
  }

  /**
   * Nest's `logger: ['error', 'warn', …]` and `app.useLogger` levels: the podlog logger's
   * level becomes the lowest one listed (`silent` for none). This sets the level of the
   * logger given to the constructor, as `log.level = …` would.
   */
  setLogLevels(levels: NestLogLevel[]): void {
    let lowest: number = LEVELS.length;
    for (const l of Array.isArray(levels) ? levels : []) {
      const i = LEVELS.indexOf(LEVEL_OF[l]);
      if (i >= 0 && i < lowest) lowest = i;
    }
    this.#root.level = lowest === LEVELS.length ? 'silent' : LEVELS[lowest];
  }

  /** The context of calls that give none (ConsoleLogger's `setContext`). */
  setContext(context: string): void {
    this.#context = typeof context === 'string' && context !== '' ? context : undefined;
  }

  #write(level: Level, message: unknown, params: unknown[], withStack: boolean): void {
    try {
      let rest = params;
      let context: string | undefined;
      let stack: string | undefined;
      const popContext = () => {
        const last = rest[rest.length - 1];
        if (rest.length > 0 && typeof last === 'string') {
          context = last;
          rest = rest.slice(0, -1);
        }
      };
      // Nest's ConsoleLogger rules (getContextAndStackAndMessagesToPrint), in the same order.
      if (withStack && rest.length === 1 && (isStack(rest[0]) || rest[0] === undefined)) {
        stack = rest[0] as string | undefined;
        rest = [];
      } else if (withStack && rest.length >= 2 && isStack(rest[rest.length - 1])) {
        stack = rest[rest.length - 1] as string;
        rest = rest.slice(0, -1);
        popContext();
      } else {
        popContext();
        const last = rest[rest.length - 1];
        if (withStack && rest.length > 0 && (typeof last === 'string' || last === undefined)) {
          stack = last;
          rest = rest.slice(0, -1);
        }
      }
      const fields: Fields = {};
      const others: unknown[] = [];
      for (const p of rest) {
        if (isPlainObject(p)) Object.assign(fields, p);
        else if (p !== undefined) others.push(p);
      }
      if (others.length > 0) fields['nest.args'] = others;
      if (typeof stack === 'string' && !isErrorValue(message)) fields['exception.stacktrace'] = stack;
      // An exception Nest answers with a 500: the request's completion record (podlog/http)
      // gets it too, with its stack, as Express's error middleware would hand it over.
      if (context === EXCEPTIONS_HANDLER && isErrorValue(message)) RequestLog.current()?.fail(message);
      const logger = this.#loggerFor(context ?? this.#context, fields);
      if (isPlainObject(message)) logger[level]({ ...fields, ...message });
      else logger[level](message, fields);
    } catch {
      // A LoggerService call never throws into Nest (a hostile Proxy among the arguments): the
      // record is kept, its arguments are not.
      this.#root[level]('[Unserializable]');
    }
  }

  #loggerFor(context: string | undefined, fields: Fields): Logger {
    if (context === undefined || context === '') return this.#root;
    let logger = this.#byContext.get(context);
    if (logger === undefined) {
      if (this.#byContext.size >= MAX_CONTEXT_LOGGERS) {
        fields['nest.context'] = context;
        return this.#root;
      }
      logger = this.#root.child({}, { name: context });
      this.#byContext.set(context, logger);
    }
    return logger;
  }
}
