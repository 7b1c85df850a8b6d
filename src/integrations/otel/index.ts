/**
 * `podlog/otel`: podlog as the OpenTelemetry Logs API provider. Needs the optional peer
 * dependencies `@opentelemetry/api` and `@opentelemetry/api-logs`.
 * @packageDocumentation
 */
export { PodlogLoggerProvider, PodlogOtelLogger, timeInputToNanos } from './provider.js';
export { registerGlobalLoggerProvider, unregisterGlobalLoggerProvider } from './register.js';
