/**
 * The Fastify plugin: `app.register(podlogFastify, { logger: log })`. Per request it starts
 * podlog/http's request log with Fastify's `request.id`, so Fastify requests get the same
 * request context, `http.request.id`, completion record and redaction as Express ones.
 *
 * The context is entered in `onRequest`, and reaches the route handler also when the body
 * arrives later: Fastify 5 runs body parsing (its own parsers and custom ones) in an
 * AsyncResource created in the request's context (lib/content-type-parser.js).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidOptionError } from '../../errors.js';
import { HTTP_OPTION_KEYS, type HttpLoggerOptions, resolveHttpOptions } from '../http/options.js';
import { RequestLog, requestIdFrom } from '../http/request-log.js';

/** The parts of a Fastify request the plugin reads. */
interface FastifyRequestLike {
  readonly id: string;
  readonly raw: IncomingMessage;
}

/** The parts of a Fastify reply the plugin reads. */
interface FastifyReplyLike {
  readonly raw: ServerResponse;
}

/** The part of a Fastify instance the plugin uses (structural: podlog does not depend on fastify). */
export interface FastifyInstanceLike {
  addHook(...args: never[]): unknown;
}

/**
 * Options of {@link podlogFastify}: those of `httpLogger` (callbacks get the raw Node
 * request and response, `request.raw` / `reply.raw`), except `genReqId`: the request id is
 * Fastify's `request.id`; give Fastify podlog's generator with `Fastify({ genReqId })`.
 */
export type PodlogFastifyOptions = Omit<HttpLoggerOptions, 'genReqId'>;

// Fastify's own register options, passed to every plugin along with its options.
const REGISTER_KEYS = ['prefix', 'logLevel', 'logSerializers'];
const KNOWN = [...HTTP_OPTION_KEYS.filter((k) => k !== 'genReqId'), ...REGISTER_KEYS];

type Hook = (...args: never[]) => unknown;
type Done = (err?: Error) => void;

/**
 * Fastify plugin: request logging and the request context for every route of the app
 * (registered at the root, it is not encapsulated). Errors a route throws reach the
 * completion record with their stack through Fastify's `onError` hook. Throws
 * `InvalidOptionError` (from `register`/`ready`) for a bad option.
 *
 * @example
 * const app = Fastify({ genReqId });        // genReqId from 'podlog/fastify': x-request-id or a UUID
 * await app.register(podlogFastify, { logger: log });
 */
export function podlogFastify(
  instance: FastifyInstanceLike,
  options: PodlogFastifyOptions,
  done: Done,
): void {
  // Fastify takes a callback plugin's errors through `done` only: a throw would hang `ready`.
  try {
    if (options !== null && typeof options === 'object' && 'genReqId' in options) {
      throw new InvalidOptionError(
        'podlogFastify.genReqId',
        (options as { genReqId?: unknown }).genReqId,
        "nothing here: podlog/fastify uses Fastify's request.id; pass the generator to Fastify({ genReqId })",
      );
    }
    // Fastify's register keys are accepted and ignored: resolveHttpOptions reads only its own.
    const resolved = resolveHttpOptions(options, 'podlogFastify', KNOWN);
    const addHook = instance.addHook.bind(instance) as (name: string, hook: Hook) => unknown;
    addHook('onRequest', (request: FastifyRequestLike, reply: FastifyReplyLike, next: Done) => {
      const log = RequestLog.start(resolved, request.raw, reply.raw, String(request.id), {
        req: request,
        res: reply,
      });
      log.run(next);
    });
    addHook('onError', (request: FastifyRequestLike, _reply: unknown, error: unknown, next: Done) => {
      RequestLog.of(request.raw)?.fail(error);
      next();
    });
  } catch (err) {
    done(err as Error);
    return;
  }
  done();
}

/**
 * podlog's request-id generator for `Fastify({ genReqId })`: the incoming `x-request-id`
 * when it looks like an id (1–128 characters of `A-Z a-z 0-9 - _ . : / + = @`), else a
 * fresh UUID (Fastify's default is a per-process counter, `req-1`, `req-2`, …).
 */
export function genReqId(req: IncomingMessage): string {
  return requestIdFrom(req, 'x-request-id');
}

// Fastify's plugin metadata: not encapsulated (hooks apply app-wide), named in errors and graphs.
Object.assign(podlogFastify, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'podlog',
  [Symbol.for('plugin-meta')]: { name: 'podlog', fastify: '5.x' },
});
