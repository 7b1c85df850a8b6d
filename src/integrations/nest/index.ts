/**
 * `podlog/nest`: a NestJS `LoggerService` over a podlog logger. Request logging and request
 * ids come from `podlog/http` (`app.use(httpLogger({ logger: log }))`), re-exported here.
 * See docs/frameworks.md.
 * @packageDocumentation
 */
export {
  type HttpLogger,
  type HttpLoggerOptions,
  httpLogger,
  requestIdOf,
  requestLoggerOf,
} from '../http/index.js';
export { type NestLogLevel, PodlogNestLogger, type PodlogNestLoggerOptions } from './nest-logger.js';
