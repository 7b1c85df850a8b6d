/**
 * `podlog/otel`: podlog beside OpenTelemetry. `PodlogLogRecordProcessor` for the OpenTelemetry
 * SDK (NodeSDK), podlog as the Logs API provider without an SDK (`registerGlobalLoggerProvider`),
 * and podlog's counters as the SDK's self-observability metrics (`enableMetrics`). Needs the
 * optional peer dependencies `@opentelemetry/api` and `@opentelemetry/api-logs`.
 * @packageDocumentation
 */

export { type EnableMetricsOptions, enableMetrics, type PodlogMetrics } from './metrics.js';
export {
  PodlogLogRecordProcessor,
  type PodlogLogRecordProcessorOptions,
  type SdkLogRecord,
} from './processor.js';
export {
  type OtelBridgeOptions,
  PodlogLoggerProvider,
  PodlogOtelLogger,
  timeInputToNanos,
} from './provider.js';
export { registerGlobalLoggerProvider, unregisterGlobalLoggerProvider } from './register.js';
