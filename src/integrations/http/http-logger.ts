/**
 * `httpLogger(options)`: request logging for `node:http`, Express and Connect. One function
 * is the `(req, res, next)` middleware; `.wrap(handler)` adapts a plain
 * `http.createServer` handler; `.errorHandler` is the Express error middleware that hands a
 * request's error (with its stack) to the completion record.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger/logger.js';
import type { HttpLoggerOptions } from './options.js';
import { resolveHttpOptions } from './options.js';
import { RequestLog } from './request-log.js';

/** A `(req, res)` request handler, as given to `http.createServer`. */
export type RequestHandler<Req extends IncomingMessage, Res extends ServerResponse> = (
  req: Req,
  res: Res,
) => unknown;

/** What {@link httpLogger} returns: the middleware, with the other entry points on it. */
export interface HttpLogger<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
> {
  /**
   * Express/Connect middleware: starts the request's log and runs the rest of the chain in
   * its request context. Without `next`, only starts the log.
   */
  (req: Req, res: Res, next?: (err?: unknown) => void): void;
  /**
   * Wraps a `node:http` request handler: the handler runs in the request context; a throw or
   * a rejected promise is logged with its stack and answered with a 500 (or, when headers
   * were already sent, by closing the response) instead of crashing the process.
   */
  wrap<H extends RequestHandler<Req, Res>>(handler: H): (req: Req, res: Res) => void;
  /**
   * Express error middleware (four arguments): the completion record of the request carries
   * `err` (`exception.type`, `exception.message`, `exception.stacktrace`); then `next(err)`.
   * Mount it after your routes, before (or instead of) your own error handler.
   */
  readonly errorHandler: (err: unknown, req: Req, res: Res, next: (err?: unknown) => void) => void;
  /** The logger the records go to. */
  readonly logger: Logger;
}

/**
 * Request logging for `node:http`, Express 4/5 and Connect: a request id per request (the
 * incoming `x-request-id` when sane, else a UUID; echoed on the response), a request context
 * so every record logged while handling the request carries `http.request.id`, `req.log` /
 * `res.log` (a child logger bound to the id), and one completion record per request with the
 * OpenTelemetry HTTP attributes (`http.request.method`, `url.path`, `url.query`, `http.route`,
 * `http.response.status_code`, `client.address`, `user_agent.original`, allowlisted
 * `http.request.header.*`, `http.server.request.duration` in seconds). Secret headers
 * (Authorization, Cookie, Set-Cookie…) and secret-looking query values are censored; bodies
 * are never logged.
 * Throws `InvalidOptionError` for a bad option.
 *
 * @example
 * const logging = httpLogger({ logger: log });
 * app.use(logging);                 // Express/Connect, first middleware
 * app.use(logging.errorHandler);    // Express, after the routes: errors with their stacks
 * http.createServer(logging.wrap((req, res) => res.end('ok')));  // node:http
 */
export function httpLogger<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(options: HttpLoggerOptions<Req, Res>): HttpLogger<Req, Res> {
  const resolved = resolveHttpOptions(options);
  const middleware = (req: Req, res: Res, next?: (err?: unknown) => void): void => {
    const log = RequestLog.start(resolved, req, res);
    if (typeof next === 'function') log.run(next);
  };
  const wrap = (handler: RequestHandler<Req, Res>) => {
    if (typeof handler !== 'function') {
      throw new TypeError('podlog/http: wrap(handler) needs a function (req, res) => void');
    }
    return (req: Req, res: Res): void => {
      const log = RequestLog.start(resolved, req, res);
      log.run(() => {
        try {
          const out = handler(req, res);
          if (isThenable(out)) out.then(undefined, (err: unknown) => handlerFailed(log, res, err));
        } catch (err) {
          handlerFailed(log, res, err);
        }
      });
    };
  };
  const errorHandler = (err: unknown, req: Req, _res: Res, next: (err?: unknown) => void): void => {
    RequestLog.of(req)?.fail(err);
    next(err);
  };
  return Object.assign(middleware, { wrap, errorHandler, logger: resolved.logger });
}

/** The request id `podlog/http` gave `req`, if it is handling it. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return RequestLog.of(req)?.id;
}

/**
 * The logger of `req` (the `req.log` of pino-http, typed): a child bound to the request id.
 * `undefined` when no podlog middleware handles `req`.
 */
export function requestLoggerOf(req: IncomingMessage): Logger | undefined {
  return RequestLog.of(req)?.logger;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

/** A wrapped handler threw: the record gets the error, the client a 500 (or a closed response). */
function handlerFailed(log: RequestLog, res: ServerResponse, err: unknown): void {
  log.fail(err);
  try {
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end();
    } else if (!res.writableEnded) {
      res.destroy();
    }
  } catch {
    // The socket is gone: 'close' writes the record.
  }
}
