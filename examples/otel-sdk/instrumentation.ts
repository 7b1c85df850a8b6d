/**
 * The OpenTelemetry SDK setup of examples/otel-sdk, preloaded before the app
 * (`node --import ./examples/otel-sdk/instrumentation.ts …`) so instrumentations patch `http`
 * and `pino` before the app imports them.
 *
 * One pipeline: NodeSDK keeps the global OTel providers (traces, context, the Logs API), and
 * `PodlogLogRecordProcessor` hands every log record the SDK emits (here: pino's, bridged by
 * instrumentation-pino) to podlog, which also takes the app's own `log.info(…)` calls. Given
 * `logRecordProcessors`, NodeSDK builds no OTLP logs exporter of its own, so OTEL_LOGS_EXPORTER
 * is not needed. One resource: the SDK's (service.version, deployment.environment.name) merged
 * into podlog's Kubernetes resource.
 */
import { register } from 'node:module';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createLogger } from 'podlog';
import { PodlogLogRecordProcessor } from 'podlog/otel';

// ESM apps: let instrumentations patch modules loaded with `import` (import-in-the-middle).
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

/** The app's podlog logger: shared with the app through this module. */
export const log = createLogger({ serviceName: 'orders-api', name: 'app' });

const sdk = new NodeSDK({
  serviceName: 'orders-api',
  resource: resourceFromAttributes({ 'service.version': '1.4.0', 'deployment.environment.name': 'staging' }),
  // A real app exports spans (OTLPTraceExporter); the example keeps them in memory.
  spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
  instrumentations: [new HttpInstrumentation(), new PinoInstrumentation()],
  logRecordProcessors: [new PodlogLogRecordProcessor(log)],
});
sdk.start();

/** Stops the SDK: its processor flushes and shuts podlog down (within podlog's deadline). */
export function shutdownTelemetry(): Promise<void> {
  return sdk.shutdown();
}
