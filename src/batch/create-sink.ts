/**
 * Wires the delivery side of the pipeline (batching → export → spool) from the resolved config.
 * The facade only sees the returned `RecordSink`.
 */

import type { Diag } from '../diag.js';
import { createHttpExporter } from '../export/http-exporter.js';
import type { ExportConfig } from '../export/options.js';
import { createReplayPacer, openSpool, type SpoolConfig } from '../spool/index.js';
import type { Counters } from '../stats.js';
import type { BuildDropSummary } from './drop-summary.js';
import { spoolAccounting } from './drops.js';
import { type BatchConfig, DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from './options.js';
import { createPipeline } from './pipeline.js';
import { registerExitHooks } from './process-hooks.js';
import type { RecordSink } from './types.js';

export interface DeliveryConfig {
  readonly export: ExportConfig;
  readonly batch: BatchConfig;
  /** Queue, overflow, concurrency, exit handling. Default {@link DEFAULT_PIPELINE_CONFIG}. */
  readonly pipeline?: PipelineConfig;
  /** The disk spool; off when undefined (no `spool.dir` / `PODLOG_SPOOL_DIR`). */
  readonly spool?: SpoolConfig;
}

export interface DeliveryDeps {
  counters: Counters;
  diag: Diag;
  /** Encodes podlog's own "records were dropped" record (from the facade). */
  buildDropSummary: BuildDropSummary;
}

export function createDeliverySink(
  config: DeliveryConfig,
  { counters, diag, buildDropSummary }: DeliveryDeps,
): RecordSink {
  // `overflow: 'spool'` without a spool is refused by the config (resolvePipelineOptions).
  const pipeline = config.pipeline ?? DEFAULT_PIPELINE_CONFIG;
  const spool = config.spool
    ? openSpool({ ...config.spool, accounting: spoolAccounting(counters), diag })
    : undefined;
  const exporter = createHttpExporter({
    config: config.export,
    counters,
    diag,
    shutdownTimeoutMs: pipeline.shutdownTimeoutMs,
  });
  let unregister: (() => void) | undefined;
  const sink = createPipeline({
    batch: config.batch,
    pipeline,
    exporter,
    spool,
    replayPacer: config.spool ? createReplayPacer(config.spool) : undefined,
    counters,
    diag,
    buildDropSummary,
    onClosed: () => unregister?.(),
  });
  if (pipeline.handleExit) unregister = registerExitHooks(sink, pipeline.shutdownTimeoutMs);
  return sink;
}
