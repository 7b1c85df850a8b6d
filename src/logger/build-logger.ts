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
import { SEVERITY_NUMBER } from '../record/severity.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../record/types.js';
import { detectResource } from '../resource/detect.js';
import { LevelRegistry } from './levels.js';
import { writeHeld } from './log-methods.js';
import { Logger } from './logger.js';
import { type LoggerCore, newLoggerState, scopeFor } from './logger-state.js';
import { OtelParts } from './otel-parts.js';
import { currentRequestContext } from './request-context.js';
import { RuntimeControl } from './runtime-control.js';
import { withHooks } from './sink-hooks.js';
import { TailPool } from './tail-buffer.js';
import { activeSpanContext } from './trace-context.js';
import { TraceSampler } from './trace-sampling.js';

/**
 * Builds a logger around `sink`. The sink itself is not modified: the logger holds a wrapper
 * ({@link withHooks}) whose `shutdown` also stops the resource watcher.
 */
export function buildLogger(config: Config, sink: RecordSink<EncodedRecord>, diag: Diag): Logger {
  const resources = detectResource(
    { serviceName: config.serviceName, attributes: config.resource, detection: config.resourceDetection },
    config.env,
    diag,
  );
  const levels = new LevelRegistry(config.level);
  const control = new RuntimeControl(config, levels, diag);
  // One wrapper, not a patch: the caller's sink object stays as it was given. The limiter's
  // summaries go out before a flush or shutdown; shutdown also stops watching the Downward API
  // volume.
  const own = withHooks(sink, {
    beforeFlush: () => control.beforeFlush(),
    beforeShutdown: () => {
      control.beforeShutdown();
      resources.close();
    },
  });
  let encoded: EncodedResource = encodeResource(resources.current());
  resources.onChange((attrs) => {
    encoded = encodeResource(attrs);
  });
  const scopes = new Map<string, EncodedScope>();
  const otel = new OtelParts(
    () => encoded,
    (name, version) => scopeFor(core, name, encodeScope, version),
  );
  const core: LoggerCore = {
    sink: own,
    resource: () => otel.current(),
    onError: (err) => diag.error('log-call', `a log call failed and was dropped: ${(err as Error)?.name}`),
    levels,
    limits: config.record.limits,
    redactor: config.record.redactor,
    spanContext: activeSpanContext(),
    scopes,
    limiter: control.limiter,
    runtime: control.levels,
    otel,
    levelTable: config.facade.levelTable,
    mixin: config.facade.mixin,
    serializers: config.facade.serializers,
    msgPrefix: config.facade.msgPrefix,
    // A released call is written like any call, to `own`, so the resource watcher's wrapper sees it.
    tail: config.tail && new TailPool(config.tail, writeHeld, () => currentRequestContext()?.tail, diag),
    sampler: config.sampling && new TraceSampler(SEVERITY_NUMBER[config.sampling.keepAtOrAbove]),
  };
  const scope = encodeScope(config.name);
  core.scopes.set(config.name, scope);
  const root = new Logger(newLoggerState(core, scope, (name, version) => encodeScope(name, version)));
  control.attach(root, resources);
  return root;
}
