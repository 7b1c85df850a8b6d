import { createDeliverySink } from '../batch/create-sink.js';
import type { LoggerOptions } from '../config/options.js';
import { type Config, resolveConfig } from '../config/resolve.js';
import { createDiag } from '../diag.js';
import { Counters } from '../stats.js';
import { buildLogger } from './build-logger.js';
import { buildDropSummary } from './drop-summary-record.js';
import type { LogFn, Logger } from './logger.js';
import { withStdoutMirror } from './sink-decorators.js';

/** A logger with a method per `customLevels` name (`log.audit(…)`); its children have them too. */
export type CustomLogger<C extends string> = Logger & { readonly [K in C]: LogFn };

/**
 * Creates a logger that ships records to an OTLP/HTTP backend. Options are validated here:
 * a bad one throws an `InvalidOptionError` naming it; nothing later throws into your code.
 *
 * @example
 * const log = createLogger({ serviceName: 'checkout' });
 * log.info('order placed', { orderId: 42 });
 * await log.shutdown();
 */
export function createLogger<C extends string = never>(
  options: LoggerOptions & { customLevels?: Record<C, number> } = {},
): CustomLogger<C> {
  return createLoggerFromConfig(resolveConfig(options)) as CustomLogger<C>;
}

/** {@link createLogger} from an already resolved config (`podlog/register` reads its own fields). */
export function createLoggerFromConfig(config: Config): Logger {
  const diag = createDiag({ sink: config.diagnostics });
  for (const line of config.deprecations) diag.warn(`deprecated:${line}`, line);
  const counters = new Counters();
  const delivery = createDeliverySink(config, { counters, diag, buildDropSummary });
  const sink = config.record.stdout ? withStdoutMirror(delivery, config.record.stdout, diag) : delivery;
  return buildLogger(config, sink, diag);
}
