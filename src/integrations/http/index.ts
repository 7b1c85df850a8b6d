/**
 * `podlog/http`: request logging for `node:http`, Express 4/5 and Connect, with pino-http's
 * option names. See docs/frameworks.md.
 * @packageDocumentation
 */
export {
  currentRequestContext,
  REQUEST_ID_ATTRIBUTE,
  RequestContext,
  runWithRequestContext,
} from '../../logger/request-context.js';
export {
  type HttpLogger,
  httpLogger,
  type RequestHandler,
  requestIdOf,
  requestLoggerOf,
} from './http-logger.js';
export type { HttpLoggerOptions } from './options.js';
export { isSaneRequestId } from './request-log.js';
