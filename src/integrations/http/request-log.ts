/**
 * One request's logging: its id and request context, `req.log`/`res.log`, the error the app
 * handed over (if any), and the one completion record written when the response finishes
 * (or the connection closes first). Framework-neutral: the Express/Connect middleware, the
 * `node:http` wrapper and the Fastify plugin all drive it with the raw request and response.
 *
 * Request ids are taken from the incoming header when it looks like one (a gateway or the
 * calling service set it, so one id follows the request across services), else made here.
 * A header value that does not look like an id is not trusted: it could carry log injection
 * (newlines), a huge string or a secret someone put in the wrong header.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fields } from '../../logger/call-forms.js';
import type { Logger } from '../../logger/logger.js';
import {
  currentRequestContext,
  REQUEST_ID_ATTRIBUTE,
  RequestContext,
  runWithRequestContext,
} from '../../logger/request-context.js';
import type { TailBuffer } from '../../logger/tail-buffer.js';
import { errorType, isErrorValue } from '../../record/error-entries.js';
import { isLevel, type Level, type LevelOrSilent } from '../../record/level-table.js';
import type { ResolvedHttpOptions } from './options.js';

const SANE_ID = /^[A-Za-z0-9\-_.:/+=@]{1,128}$/;

/** True when `value` is a usable request id: 1–128 characters of `A-Z a-z 0-9 - _ . : / + = @`. */
export function isSaneRequestId(value: unknown): value is string {
  return typeof value === 'string' && SANE_ID.test(value);
}

/** The request id of `req`: its `header` when sane, else a fresh UUID. */
export function requestIdFrom(req: IncomingMessage, header: string | false): string {
  if (header !== false) {
    const v = req.headers[header];
    const first = Array.isArray(v) ? v[0] : v;
    if (isSaneRequestId(first)) return first;
  }
  return randomUUID();
}

/** A user callback's result, or `fallback` when it throws: a logging option must not fail a request. */
function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/**
 * The request's log on its `req` and `res`: what `req.log` reads, and how a request started
 * twice (middleware mounted twice) finds its running log and keeps it.
 */
const LOG_OF = Symbol('podlog.requestLog');
type Carrier = { [LOG_OF]?: RequestLog };

/**
 * `req.log` and `res.log`: the request's child logger, made on first read; assigning replaces
 * it (as a plain property). One descriptor, one getter and one setter for every request: V8
 * then reuses one hidden-class transition for all of them, where a getter closure per request
 * made each request's `req` and `res` a class of their own (bench/RESULTS.md, podlog/http overhead).
 */
const LOG_PROPERTY: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: Carrier | undefined) {
    return this?.[LOG_OF]?.logger;
  },
  set(this: object, value: unknown) {
    Object.defineProperty(this, 'log', { configurable: true, enumerable: false, writable: true, value });
  },
};

/** The logging state of one request. Create with {@link RequestLog.start}. */
export class RequestLog {
  readonly #options: ResolvedHttpOptions;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #id: string;
  readonly #context: RequestContext;
  readonly #started = process.hrtime.bigint();
  readonly #logged: boolean;
  /** The request's tail buffer, when the logger has `tail` (docs/tail-buffering.md). */
  readonly #tail: TailBuffer | undefined;
  // What the completion record describes: the framework's own request/reply objects when it
  // has them (Fastify's know the route), else the raw ones.
  readonly #shapes: { req: object; res: object };
  #child: Logger | undefined;
  #error: Error | undefined;
  #done = false;

  private constructor(
    options: ResolvedHttpOptions,
    req: IncomingMessage,
    res: ServerResponse,
    id: string | undefined,
    shapes: { req: object; res: object } | undefined,
  ) {
    this.#options = options;
    this.#shapes = shapes ?? { req, res };
    this.#req = req;
    this.#res = res;
    this.#id = id ?? this.#makeId();
    const extra = options.contextFields;
    const fields = extra === undefined ? undefined : attempt(() => extra(req), undefined);
    this.#context = new LoggedContext(fields ?? {}, this.#id, this);
    const ignore = options.ignore;
    this.#logged =
      options.autoLogging && (ignore === undefined || !attempt(() => ignore(req) === true, false));
    this.#tail = options.tail ? options.logger.openTail(this.#context) : undefined;
    attempt(() => {
      (req as Carrier)[LOG_OF] = this;
      (res as Carrier)[LOG_OF] = this;
    }, undefined);
    this.#attach();
  }

  /**
   * Starts logging `req` (or returns its running log): request id (echoed on the response),
   * context, `req.id`, `req.log` and `res.log`, and the completion record on finish.
   * `id`: the id the framework already gave the request (Fastify's), else `genReqId`'s;
   * `shapes`: the framework's request and reply objects, for the completion record.
   */
  static start(
    options: ResolvedHttpOptions,
    req: IncomingMessage,
    res: ServerResponse,
    id?: string,
    shapes?: { req: object; res: object },
  ): RequestLog {
    return RequestLog.of(req) ?? new RequestLog(options, req, res, id, shapes);
  }

  /** The running log of `req`, if a podlog middleware started one. */
  static of(req: IncomingMessage): RequestLog | undefined {
    const log = (req as Carrier)[LOG_OF];
    return log === undefined || log.#done ? undefined : log;
  }

  /** The running log of the request whose context is active here, if any. */
  static current(): RequestLog | undefined {
    return LoggedContext.logOf(currentRequestContext());
  }

  /** The request id. */
  get id(): string {
    return this.#id;
  }

  /** The request context: records logged inside it carry `http.request.id` (and `contextFields`). */
  get context(): RequestContext {
    return this.#context;
  }

  /** A child of the logger bound to the request id (created on first use). */
  get logger(): Logger {
    this.#child ??= this.#options.logger.child({ [REQUEST_ID_ATTRIBUTE]: this.#id });
    return this.#child;
  }

  /** Runs `fn` in the request context. */
  run<T>(fn: () => T): T {
    return runWithRequestContext(this.#context, fn);
  }

  /** Hands over the error the request failed with: the completion record carries it, stack included. */
  fail(err: unknown): void {
    this.#error ??= toError(err);
  }

  #makeId(): string {
    const gen = this.#options.genReqId;
    if (gen !== undefined) {
      const id = attempt(() => gen(this.#req, this.#res), undefined);
      if (typeof id === 'string' && id !== '') return id;
      if (typeof id === 'number') return String(id);
    }
    return requestIdFrom(this.#req, this.#options.requestIdHeader);
  }

  #attach(): void {
    const req = this.#req;
    const res = this.#res;
    const header = this.#options.requestIdHeader;
    if (header !== false && !res.headersSent) attempt(() => res.setHeader(header, this.#id), undefined);
    // pino-http's names: apps and libraries written for it find the id and the logger here.
    attempt(() => {
      Object.defineProperty(req, 'log', LOG_PROPERTY);
      Object.defineProperty(res, 'log', LOG_PROPERTY);
      if ((req as { id?: unknown }).id === undefined) (req as { id?: unknown }).id = this.#id;
    }, undefined);
    res.once('finish', () => this.#complete(false));
    res.once('close', () => this.#complete(!res.writableFinished));
  }

  #complete(aborted: boolean): void {
    if (this.#done) return;
    this.#done = true;
    const req = this.#req;
    const res = this.#res;
    const o = this.#options;
    const durationNs = process.hrtime.bigint() - this.#started;
    // pino-http's convention: an error handler may leave the error on `res.err`.
    const resErr = (res as { err?: unknown }).err;
    const err = this.#error ?? (resErr !== undefined && resErr !== null ? toError(resErr) : undefined);
    const failed = err !== undefined || res.statusCode >= 500;
    // The tail ends first, whatever is logged next: a failed or slow request's held records
    // arrive before its completion record; a good one's are discarded (and counted).
    const tail = this.#tail;
    if (tail !== undefined) {
      const slowMs = o.tailSlowMs ?? tail.slowMs;
      const slow = slowMs !== undefined && durationNs > BigInt(slowMs) * 1_000_000n;
      tail.end(failed || slow);
    }
    if (!this.#logged) return;
    const custom = o.customLogLevel;
    // Default: error for a 5xx or an error, warn for a 4xx or an abort.
    const fallback: Level = failed ? 'error' : res.statusCode >= 400 || aborted ? 'warn' : 'info';
    let level: LevelOrSilent = fallback;
    if (custom !== undefined) {
      const chosen = attempt(() => custom(req, res, err), fallback);
      level = chosen === 'silent' || isLevel(chosen) ? chosen : fallback;
    }
    if (level === 'silent') return;
    let message: string;
    if (failed) {
      const m = o.customErrorMessage;
      message =
        m === undefined ? 'request errored' : String(attempt(() => m(req, res, err), 'request errored'));
    } else if (aborted) {
      message = 'request aborted';
    } else {
      const m = o.customSuccessMessage;
      const ms = Number(durationNs) / 1e6;
      message =
        m === undefined ? 'request completed' : String(attempt(() => m(req, res, ms), 'request completed'));
    }
    // `req` and `res` are written as the HTTP semantic-convention attributes (record/http-values.ts:
    // method, url.path, url.query and an allowlist of headers, secrets censored; route; client
    // address; status code), never as the objects themselves.
    const fields: Fields = {
      req: this.#shapes.req,
      res: this.#shapes.res,
      // Seconds, as the semantic conventions' `http.server.request.duration` metric.
      'http.server.request.duration': Number(durationNs) / 1e9,
    };
    if (err !== undefined) {
      fields['error.type'] = errorType(err);
      fields.err = err;
    } else if (aborted) fields['error.type'] = 'aborted';
    else if (res.statusCode >= 500) fields['error.type'] = String(res.statusCode);
    const props = o.customProps;
    if (props !== undefined) {
      const extra = attempt<Fields | undefined>(() => props(req, res), undefined);
      if (extra !== null && typeof extra === 'object') attempt(() => Object.assign(fields, extra), undefined);
    }
    // In the context: the record carries the request id and contextFields like any other.
    const logger = o.logger;
    this.run(() => logger[level as Level](message, fields));
  }
}

/**
 * The context of a request `podlog/http` logs, with its log: for code that has only the
 * context (Nest's logger). The log is private: `currentRequestContext()` hands this context to
 * apps, and it shows them nothing a plain {@link RequestContext} does not.
 */
class LoggedContext extends RequestContext {
  readonly #log: RequestLog;

  constructor(fields: Fields, requestId: string, log: RequestLog) {
    super(fields, requestId);
    this.#log = log;
  }

  /** The log of the request `ctx` belongs to, when `podlog/http` made it. */
  static logOf(ctx: RequestContext | undefined): RequestLog | undefined {
    return ctx instanceof LoggedContext ? ctx.#log : undefined;
  }
}

/** An Error for the record's `exception.*`; anything thrown that is not one is wrapped. */
function toError(err: unknown): Error {
  if (isErrorValue(err)) return err;
  return new Error(attempt(() => String(err), '[Unserializable]'));
}
