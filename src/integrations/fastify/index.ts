/**
 * `podlog/fastify`: request logging and the request context for Fastify 4/5. See
 * docs/frameworks.md.
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import { requestIdFrom } from '../http/request-id.js';

export {
  currentRequestContext,
  REQUEST_ID_ATTRIBUTE,
  RequestContext,
  runWithRequestContext,
} from '../../logger/request-context.js';
export { type FastifyInstanceLike, type PodlogFastifyOptions, podlogFastify } from './plugin.js';

/**
 * podlog's request-id generator for `Fastify({ genReqId })`: the incoming `x-request-id`
 * when it looks like an id (1–128 characters of `A-Z a-z 0-9 - _ . : / + = @`), else a
 * fresh UUID (Fastify's default is a per-process counter, `req-1`, `req-2`, …).
 */
export function genReqId(req: IncomingMessage): string {
  return requestIdFrom(req, 'x-request-id');
}
