/**
 * `podlog/winston`: send an existing winston logger's records through podlog by adding one
 * transport. Needs the optional peer dependencies `winston` and `winston-transport`.
 * @packageDocumentation
 */
export { createLoggerFromWinston, optionsFromWinston, type WinstonLike } from './from-winston.js';
export { type LevelMap, levelOfInfo, severityMap } from './info-to-record.js';
export { PodlogTransport, type PodlogTransportOptions } from './transport.js';
