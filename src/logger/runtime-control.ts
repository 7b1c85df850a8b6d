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
import type { Config } from '../config/resolve.js';
import type { Diag } from '../diag.js';
import { SEVERITY_NUMBER, SEVERITY_TEXT } from '../record/severity.js';
import type { ResourceProvider } from '../resource/types.js';
import type { LevelRegistry } from './levels.js';
import { type Logger, writeUnfiltered } from './logger.js';
import { RateLimiter, type SuppressionSummary } from './rate-limit.js';
import { type LevelChange, RuntimeLevels } from './runtime-levels.js';

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

/**
 * Run-time levels and the limiter of one `createLogger`. It never touches a sink: `buildLogger`
 * wraps its sink once and calls {@link beforeFlush} and {@link beforeShutdown} from that
 * wrapper; `Logger.stats()` adds the limiter's count.
 */
export class RuntimeControl {
  readonly levels: RuntimeLevels;
  readonly limiter: RateLimiter | undefined;
  /** Where podlog's own records go; set by {@link attach}. */
  #root: Logger | undefined;

  constructor(config: Config, registry: LevelRegistry, diag: Diag) {
    this.levels = new RuntimeLevels(
      registry,
      { base: config.level, named: config.levels },
      (change) => {
        if (this.#root !== undefined) writeUnfiltered(this.#root, announceRecord(change));
      },
      diag,
    );
    this.limiter =
      config.rateLimit === undefined
        ? undefined
        : new RateLimiter(config.rateLimit, (summary) => {
            // A bare logger of the key's name: the summary covers many calls, not one's bindings.
            const root = this.#root;
            if (root !== undefined)
              writeUnfiltered(root.child({}, { name: summary.scope.name }), summaryRecord(summary));
          });
  }

  /** Connects the root logger and the pod annotations. Call once. */
  attach(root: Logger, resources: ResourceProvider): void {
    this.#root = root;
    this.levels.applyAnnotations(resources.annotations());
    resources.onAnnotations((annotations) => this.levels.applyAnnotations(annotations));
  }

  /** Before the sink's flush: the limiter's pending summaries go out first. */
  beforeFlush(): void {
    this.limiter?.summarizeAll();
  }

  /** Before the sink's shutdown: the limiter writes its last summaries and stops its timer. */
  beforeShutdown(): void {
    this.limiter?.close();
  }
}
