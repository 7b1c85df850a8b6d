/**
 * The composition root: `createLogger` resolves the options and builds the delivery pipeline;
 * `buildLogger` builds the facade around any `RecordSink`, that pipeline or an in-memory capture
 * (`podlog/testing`). Resource detection and encoding live in `buildLogger` so both get the same
 * records.
 *
 * Run-time control is wired here too: level settings by name (`PODLOG_LEVEL`, `setLevel`,
 * `podlog.dev/level` annotations from the watched Downward API volume) and the log-storm
 * limiter. podlog's own records about them (level changes, suppression summaries) go through
 * the pipeline like any record, past level filtering and the limiter: they are rare by
 * construction (one per change, one per key and interval).
 */
import { createDeliverySink } from '../batch/create-sink.js';
import type { RecordSink } from '../batch/types.js';
import type { LoggerOptions } from '../config/options.js';
import { type Config, resolveConfig } from '../config/resolve.js';
import { createDiag, type Diag } from '../diag.js';
import { encodeResource } from '../record/encode-scope.js';
import { SEVERITY_NUMBER } from '../record/level-table.js';
import type { EncodedRecord, EncodedResource } from '../record/types.js';
import { ResourceProvider } from '../resource/detect.js';
import { Counters } from '../stats.js';
import { buildDropSummary } from './drop-summary-record.js';
import { LevelRegistry } from './levels.js';
import { type LogFn, Logger } from './logger.js';
import { type LoggerCore, LoggerState } from './logger-state.js';
import { OtelParts } from './otel-parts.js';
import { RateLimiter } from './rate-limit.js';
import { withHooks, withStdoutMirror } from './sink-decorators.js';
import { TailPool } from './tail-buffer.js';
import { activeSpanContext, TraceSampler } from './trace-context.js';

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

/**
 * Builds a logger around `sink`. The sink itself is not modified: the logger holds a wrapper
 * ({@link withHooks}) whose `flush` and `shutdown` first write the limiter's pending summaries,
 * and whose `shutdown` also stops the resource watcher.
 */
export function buildLogger(config: Config, sink: RecordSink<EncodedRecord>, diag: Diag): Logger {
  const resources = new ResourceProvider(
    { serviceName: config.serviceName, attributes: config.resource, detection: config.resourceDetection },
    config.env,
    diag,
  );
  // podlog's own records are written through the root logger, once it exists.
  let root: LoggerState | undefined;
  const levels = new LevelRegistry(
    { base: config.level, named: config.levels },
    (record) => root?.writeUnfiltered(record),
    diag,
  );
  const limiter =
    config.rateLimit &&
    new RateLimiter(config.rateLimit, (scope, summary) => {
      // A bare logger of the key's name: the summary covers many calls, not one's bindings.
      root?.child({}, { name: scope.name }).writeUnfiltered(summary);
    });
  const own = withHooks(sink, {
    beforeFlush: () => limiter?.summarizeAll(),
    beforeShutdown: () => {
      limiter?.close();
      resources.close();
    },
  });
  let encoded: EncodedResource = encodeResource(resources.current());
  resources.onChange((attrs) => {
    encoded = encodeResource(attrs);
  });
  const otel = new OtelParts(() => encoded);
  const core: LoggerCore = {
    sink: own,
    onError: (err) => diag.error('log-call', `a log call failed and was dropped: ${(err as Error)?.name}`),
    levels,
    limits: config.record.limits,
    redactor: config.record.redactor,
    spanContext: activeSpanContext(),
    limiter,
    otel,
    facade: config.facade,
    // A released call is written like any call, to `own`, so the resource watcher's wrapper sees it.
    tail: config.tail && new TailPool(config.tail, diag),
    sampler: config.sampling && new TraceSampler(SEVERITY_NUMBER[config.sampling.keepAtOrAbove]),
  };
  root = new LoggerState(core, otel.named(config.name));
  const logger = new Logger(root);
  levels.applyAnnotations(resources.annotations());
  resources.onAnnotations((annotations) => levels.applyAnnotations(annotations));
  return logger;
}
