import { createPipeline } from '../batch/pipeline.js';
import type { LoggerOptions } from '../config/options.js';
import { resolveConfig } from '../config/resolve.js';
import { createDiag } from '../diag.js';
import { createHttpExporter } from '../export/http-exporter.js';
import { encodeResource, encodeScope } from '../record/encode-scope.js';
import type { EncodedResource } from '../record/types.js';
import { detectResource } from '../resource/detect.js';
import { Counters } from '../stats.js';
import { Logger } from './logger.js';

/**
 * Creates a logger that ships records to an OTLP/HTTP backend. Options are validated here:
 * a bad one throws an `InvalidOptionError` naming it; nothing later throws into your code.
 *
 * @example
 * const log = createLogger({ serviceName: 'checkout' });
 * log.info('order placed', { orderId: 42 });
 * await log.shutdown();
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const config = resolveConfig(options);
  const diag = createDiag({ sink: options.diagnostics });
  const counters = new Counters();
  const resources = detectResource({ serviceName: config.serviceName, attributes: config.resource }, config.env);
  let encoded: EncodedResource = encodeResource(resources.current());
  resources.onChange((attrs) => {
    encoded = encodeResource(attrs);
  });
  const exporter = createHttpExporter({ config: config.export, counters, diag });
  const sink = createPipeline({ batch: config.batch, exporter, counters, diag });
  return new Logger(
    {
      sink,
      resource: () => encoded,
      onError: (err) => diag.error('log-call', `a log call failed and was dropped: ${(err as Error)?.message}`),
    },
    encodeScope(config.name),
    undefined,
    config.level,
  );
}
