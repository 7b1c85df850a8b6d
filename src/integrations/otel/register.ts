import { logs } from '@opentelemetry/api-logs';
import type { Logger } from '../../logger/logger.js';
import { getLogger } from '../register/register.js';
import { PodlogLoggerProvider } from './provider.js';

/**
 * Registers podlog as the global `LoggerProvider` of `@opentelemetry/api-logs`: from then on,
 * `logs.getLogger(name).emit(record)` writes into `logger` (default: the process-wide logger of
 * `podlog/register`, created from the environment). Returns the provider.
 *
 * The OTel API keeps the first provider registered; if another one is already registered, podlog
 * is not installed, a process warning says so, and `unregisterGlobalLoggerProvider()` followed by
 * a new call replaces it.
 */
export function registerGlobalLoggerProvider(logger: Logger = getLogger()): PodlogLoggerProvider {
  const provider = new PodlogLoggerProvider(logger);
  const active = logs.setGlobalLoggerProvider(provider);
  if (active !== provider) {
    process.emitWarning(
      'podlog/otel: a global OpenTelemetry LoggerProvider is already registered; podlog was not installed',
      { code: 'PODLOG_OTEL_PROVIDER_EXISTS' },
    );
  }
  return provider;
}

/** Removes the global `LoggerProvider` (whichever is registered): `logs.disable()`. */
export function unregisterGlobalLoggerProvider(): void {
  logs.disable();
}
