/**
 * `podlog/pino`: keep pino, send its records through podlog. `pino(options, podlogDestination())`
 * replaces pino's destination in the app thread; `podlog/pino/transport` is the same as a
 * `pino.transport` target in a worker thread. podlog does not import pino: the app brings it.
 * @packageDocumentation
 */
export { PodlogDestination, type PodlogDestinationOptions, podlogDestination } from './destination.js';
export {
  DEFAULT_PINO_LEVELS,
  type PinoFormat,
  type PinoLevels,
  pinoLevels,
  severityOfPinoLevel,
} from './line-to-record.js';
export type { PodlogPinoTransportOptions } from './transport.js';
