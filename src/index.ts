/**
 * podlog: ship Node.js logs straight from the app to an OTLP/HTTP backend.
 * @packageDocumentation
 */
export type { BatchOptions, Overflow, PipelineOptions, QueueOptions } from './batch/options.js';
export type { FacadeOptions, Mixin } from './config/facade-options.js';
export type { LoggerOptions } from './config/options.js';
export type { RateLimitOptions } from './config/rate-limit.js';
export type { SamplingOptions, TailOptions } from './config/tail.js';
export type { DiagSink } from './diag.js';
export {
  DecodeError,
  ExportAbortedError,
  ExportTimeoutError,
  InvalidOptionError,
  PodlogError,
  SpoolUnavailableError,
  UnknownOptionError,
} from './errors.js';
export type { Compression, ExportOptions, Protocol, RetryOptions, TlsOptions } from './export/options.js';
export { type CaptureConsoleOptions, captureConsole } from './integrations/console/capture-console.js';
export { type CustomLogger, createLogger } from './logger/create-logger.js';
export type { ChildOptions, Fields, LevelName, LogFn, PinoLevels, SetLevelOptions } from './logger/logger.js';
export { Logger } from './logger/logger.js';
export {
  currentRequestContext,
  REQUEST_ID_ATTRIBUTE,
  RequestContext,
  runWithRequestContext,
} from './logger/request-context.js';
export { type Serializer, type Serializers, stdSerializers } from './logger/serializers.js';
export type { TailBuffer } from './logger/tail-buffer.js';
export { decodeProtobufRequest } from './otlp/decode-protobuf.js';
export type * from './otlp/types.js';
export {
  type HttpValueOptions,
  httpAttributesOf,
  REQUEST_HEADERS,
  RESPONSE_HEADERS,
  redactQuery,
  SENSITIVE_HEADERS,
  type SerializedRequest,
  type SerializedResponse,
  serializeRequest,
  serializeResponse,
} from './record/http-values.js';
export { LEVELS, type Level, type LevelOrSilent } from './record/level-table.js';
export type { RecordOptions, RedactOption, StdoutFormat } from './record/options.js';
export { DEFAULT_REDACT_KEYS } from './record/redact.js';
export type { LimitOptions } from './record/value-limits.js';
export type { PodinfoOptions, ResourceOptions } from './resource/options.js';
export { DEFAULT_ANNOTATION_DENY } from './resource/options.js';
export type { ResourceAttributes } from './resource/types.js';
export type { Durability, SpoolOptions } from './spool/options.js';
export type { DropReason, LoggerStats, StatsSnapshot, TailStats } from './stats.js';
export { VERSION } from './version.js';
