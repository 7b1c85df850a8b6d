/**
 * Wires run-time control into a logger built by `buildLogger`: level settings by name
 * (`PODLOG_LEVEL`, `setLevel`, `podlog.dev/level` annotations from the watched Downward API
 * volume) and the log-storm limiter, whose summaries go out at flush and shutdown and whose
 * count shows in `stats().suppressed`.
 *
 * podlog's own records here (level changes, suppression summaries) go through the pipeline
 * like any record, past level filtering and the limiter: they are rare by construction (one
 * per change, one per key and interval).
 */
import type { RecordSink } from '../batch/types.js';
import type { Config } from '../config/resolve.js';
import type { Diag } from '../diag.js';
import { SEVERITY_NUMBER, SEVERITY_TEXT } from '../record/severity.js';
import type { EncodedRecord } from '../record/types.js';
import type { ResourceProvider } from '../resource/types.js';
import type { LevelRegistry } from './level-registry.js';
import { type Logger, writeUnfiltered } from './logger.js';
import { RateLimiter, type SuppressionSummary } from './rate-limit.js';
import { type LevelChange, RuntimeLevels } from './runtime-levels.js';

export interface RuntimeControl {
  readonly levels: RuntimeLevels;
  readonly limiter: RateLimiter | undefined;
  /** Connects the root logger, the annotations and the sink's flush/shutdown/stats. Call once. */
  attach(root: Logger, resources: ResourceProvider, sink: RecordSink<EncodedRecord>): void;
}

function announceRecord(change: LevelChange) {
  const attributes: Record<string, string> = {
    'podlog.level.previous': change.from,
    'podlog.level.current': change.to,
    'podlog.level.cause': change.cause,
  };
  if (change.logger !== undefined) attributes['podlog.level.logger'] = change.logger;
  return {
    severityNumber: SEVERITY_NUMBER.info,
    severityText: SEVERITY_TEXT.info,
    body: `podlog level changed: ${change.from} → ${change.to} (${change.cause})`,
    attributes,
    spanContext: null,
  };
}

function summaryRecord(s: SuppressionSummary) {
  return {
    severityNumber: s.severityNumber,
    severityText: s.severityText,
    body: `podlog suppressed ${s.suppressed} ${s.severityText} records: ${s.template}`,
    attributes: {
      'podlog.suppressed': s.suppressed,
      'podlog.suppressed.template': s.template,
      'podlog.suppressed.severity': s.severityText,
      'podlog.suppressed.interval_ms': s.intervalMs,
    },
    spanContext: null,
  };
}

export function createRuntimeControl(config: Config, registry: LevelRegistry, diag: Diag): RuntimeControl {
  let root: Logger | undefined;
  const levels = new RuntimeLevels(
    registry,
    { base: config.level, named: config.levels },
    (change) => {
      if (root !== undefined) writeUnfiltered(root, announceRecord(change));
    },
    diag,
  );
  const limiter =
    config.rateLimit === undefined
      ? undefined
      : new RateLimiter(config.rateLimit, (summary) => {
          // A bare logger of the key's name: the summary covers many calls, not one's bindings.
          if (root !== undefined)
            writeUnfiltered(root.child({}, { name: summary.scope.name }), summaryRecord(summary));
        });
  return {
    levels,
    limiter,
    attach(rootLogger, resources, sink) {
      root = rootLogger;
      levels.applyAnnotations(resources.annotations());
      resources.onAnnotations((annotations) => levels.applyAnnotations(annotations));
      if (limiter === undefined) return;
      // `sink` is buildLogger's own wrapper object (never the caller's sink): its methods are
      // replaced so the limiter's summaries go out before a flush or shutdown.
      const flush = sink.flush.bind(sink);
      const shutdown = sink.shutdown.bind(sink);
      const stats = sink.stats.bind(sink);
      sink.flush = () => {
        limiter.summarizeAll();
        return flush();
      };
      sink.shutdown = (options) => {
        limiter.close();
        return shutdown(options);
      };
      sink.stats = () => {
        const snapshot = stats();
        snapshot.suppressed += limiter.suppressed;
        return snapshot;
      };
    },
  };
}
