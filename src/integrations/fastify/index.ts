/**
 * `podlog/fastify`: request logging and the request context for Fastify 4/5. See
 * docs/frameworks.md.
 * @packageDocumentation
 */
export {
  currentRequestContext,
  REQUEST_ID_ATTRIBUTE,
  RequestContext,
  runWithRequestContext,
} from '../http/index.js';
export { type FastifyInstanceLike, genReqId, type PodlogFastifyOptions, podlogFastify } from './plugin.js';
