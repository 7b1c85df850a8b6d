/**
 * `podlog/testing`: assert on logs in unit tests, without a network.
 *
 * - {@link createTestLogger}: a real podlog logger that captures records in memory.
 * - {@link otlpHandlers}: msw handlers that act as an OTLP/HTTP backend (and can fail on cue).
 * - {@link startReceiver}: a real OTLP/HTTP receiver on 127.0.0.1 (what `podlog receive` runs).
 * - {@link decodeLogsRequest}: decode an OTLP request body in your own test server.
 * @packageDocumentation
 */
export { DecodeError } from '../otlp/decode-protobuf.js';
export { decodeLogsRequest } from '../otlp/receive-request.js';
// Every decoded-request type, as the main entry exports them (types.ts holds only those).
export type * from '../otlp/types.js';
export { FetchDispatcher, fetchDispatcher } from './fetch-dispatcher.js';
export {
  type CapturedRequest,
  type OtlpHandlers,
  otlpHandlers,
  type RespondWithOptions,
} from './otlp-handlers.js';
export { type ReceiverOptions, type RunningReceiver, startReceiver } from './receiver.js';
export { createTestLogger, type TestLogger, type TestLoggerOptions } from './test-logger.js';
export { levelOf, type TestRecord, toTestRecords } from './test-record.js';
