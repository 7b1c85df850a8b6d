/**
 * Builds the facade around any `RecordSink`: the real delivery pipeline (`createLogger`) or an
 * in-memory capture (`podlog/testing`). Resource detection and encoding live here so both get
 * the same records.
 *
 * The returned logger's `LoggerCore.levels` (a `LevelRegistry`) is the hook for run-time
 * level control by logger name.
 */
import type { RecordSink } from '../batch/types.js';
import type { Config } from '../config/resolve.js';
import type { Diag } from '../diag.js';
import { encodeResource, encodeScope } from '../record/encode-scope.js';
import type { EncodedRecord, EncodedResource } from '../record/types.js';
import { detectResource } from '../resource/detect.js';
import { LevelRegistry } from './level-registry.js';
import { Logger } from './logger.js';
import { type LoggerCore, newLoggerState } from './logger-state.js';
import { createRuntimeControl } from './runtime-control.js';
import { activeSpanContext } from './trace-context.js';

export function buildLogger(config: Config, sink: RecordSink<EncodedRecord>, diag: Diag): Logger {
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
  const levels = new LevelRegistry(config.level);
  const control = createRuntimeControl(config, levels, diag);
  const core: LoggerCore = {
    sink,
    resource: () => encoded,
    onError: (err) => diag.error('log-call', `a log call failed and was dropped: ${(err as Error)?.name}`),
    levels,
    limits: config.record.limits,
    redactor: config.record.redactor,
    spanContext: activeSpanContext(),
    scopes: new Map(),
    limiter: control.limiter,
    runtime: control.levels,
  };
  const scope = encodeScope(config.name);
  core.scopes.set(config.name, scope);
  const root = new Logger(newLoggerState(core, scope, (name) => encodeScope(name)));
  control.attach(root, resources, sink);
  return root;
}
