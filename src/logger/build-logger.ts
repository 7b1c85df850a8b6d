/**
 * Builds the facade around any `RecordSink`: the real delivery pipeline (`createLogger`) or an
 * in-memory capture (`podlog/testing`). Resource detection and encoding live here so both get
 * the same records.
 */
import type { RecordSink } from '../batch/types.js';
import type { Config } from '../config/resolve.js';
import type { Diag } from '../diag.js';
import { encodeResource, encodeScope } from '../record/encode-scope.js';
import type { EncodedResource } from '../record/types.js';
import { detectResource } from '../resource/detect.js';
import { Logger } from './logger.js';

export function buildLogger(config: Config, sink: RecordSink, diag: Diag): Logger {
  const resources = detectResource(
    { serviceName: config.serviceName, attributes: config.resource, detection: config.resourceDetection },
    config.env,
    diag,
  );
  // Stop watching the Downward API volume on shutdown (own property shadows the sink's method).
  const shutdownSink = sink.shutdown.bind(sink);
  sink.shutdown = (options) => {
    resources.close();
    return shutdownSink(options);
  };
  let encoded: EncodedResource = encodeResource(resources.current());
  resources.onChange((attrs) => {
    encoded = encodeResource(attrs);
  });
  return new Logger(
    {
      sink,
      resource: () => encoded,
      onError: (err) =>
        diag.error('log-call', `a log call failed and was dropped: ${(err as Error)?.message}`),
    },
    encodeScope(config.name),
    undefined,
    config.level,
  );
}
