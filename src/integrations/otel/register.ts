import { logs } from '@opentelemetry/api-logs';
import type { Logger } from '../../logger/logger.js';
import { getLogger } from '../register/register.js';
import { isPodlogProcessor, isPodlogProvider, liveProcessors, sdkProviderState } from './global-state.js';
import { type OtelBridgeOptions, PodlogLoggerProvider } from './provider.js';

const FIX =
  'fix: new NodeSDK({ logRecordProcessors: [new PodlogLogRecordProcessor(log)] }) from podlog/otel ' +
  '(one pipeline, the SDK resource), or call registerGlobalLoggerProvider() before sdk.start() ' +
  'with OTEL_LOGS_EXPORTER=none';

/**
 * Why `active` (the provider already registered) keeps podlog out, with the fix; undefined
 * when nothing needs saying (it is podlog's own, or an SDK provider feeding podlog already).
 */
function conflictMessage(active: unknown, logger: Logger): string | undefined {
  if (isPodlogProvider(active)) {
    return (active as PodlogLoggerProvider).logger === logger
      ? undefined
      : 'podlog/otel: a podlog LoggerProvider of another logger is already registered; this one was not ' +
          'installed (unregisterGlobalLoggerProvider() first to replace it)';
  }
  const state = sdkProviderState(active);
  if (state?.processors.some(isPodlogProcessor)) return undefined;
  if (state !== undefined && state.processors.length === 0) {
    return (
      'podlog/otel: the global OpenTelemetry LoggerProvider (NodeSDK with logRecordProcessors: []) has no ' +
      'log record processor: records of the OTel Logs API and of instrumentation bridges (pino, winston, ' +
      `bunyan) go nowhere, and podlog was not installed; ${FIX}`
    );
  }
  return (
    'podlog/otel: a global OpenTelemetry LoggerProvider is already registered (NodeSDK registers its own: ' +
    'OTEL_LOGS_EXPORTER defaults to otlp); podlog was not installed, so records of the OTel Logs API and of ' +
    `instrumentation bridges go through that provider and its exporter, podlog's through podlog; ${FIX}`
  );
}

/**
 * Registers podlog as the global `LoggerProvider` of `@opentelemetry/api-logs`: from then on,
 * `logs.getLogger(name).emit(record)` writes into `logger` (default: the process-wide logger of
 * `podlog/register`, created from the environment). Returns the provider.
 *
 * With the OpenTelemetry SDK (NodeSDK), prefer `PodlogLogRecordProcessor`: the SDK keeps the
 * global slot and feeds podlog. Then this function is not needed; called anyway, it registers
 * nothing (in either order: a processor created later gives podlog's slot back to the SDK).
 *
 * The OTel API keeps the first provider registered; if another one is already registered, podlog
 * is not installed and ONE process warning (`PODLOG_OTEL_PROVIDER_EXISTS`) says what happens to
 * the records and how to fix it. `unregisterGlobalLoggerProvider()` followed by a new call
 * replaces it.
 *
 * @param options `applyLevel`: also filter bridged records by podlog's level (default: no).
 */
export function registerGlobalLoggerProvider(
  logger: Logger = getLogger(),
  options: OtelBridgeOptions = {},
): PodlogLoggerProvider {
  const provider = new PodlogLoggerProvider(logger, options);
  // A PodlogLogRecordProcessor exists: the SDK's provider (registered or about to be, at
  // sdk.start()) already feeds podlog; registering here would race it for the global slot.
  if (liveProcessors().size > 0) return provider;
  const active = logs.setGlobalLoggerProvider(provider);
  if (active !== provider) {
    const message = conflictMessage(active, logger);
    if (message !== undefined) process.emitWarning(message, { code: 'PODLOG_OTEL_PROVIDER_EXISTS' });
  }
  return provider;
}

/** Removes the global `LoggerProvider` (whichever is registered): `logs.disable()`. */
export function unregisterGlobalLoggerProvider(): void {
  logs.disable();
}
