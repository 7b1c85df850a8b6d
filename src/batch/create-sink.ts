/**
 * The delivery side of a logger (batching → export → spool), built from the resolved config.
 * The facade only sees the returned `RecordSink`.
 */
import { HttpExporter } from '../export/http-exporter.js';
import type { ExportConfig } from '../export/options.js';
import type { SpoolConfig } from '../spool/options.js';
import { ReplayPacer } from '../spool/pacer.js';
import { openSpool } from '../spool/spool.js';
import { spoolAccounting } from './drops.js';
import { Pipeline, type PipelineDeps } from './pipeline.js';
import type { RecordSink } from './types.js';

/** The parts of the resolved config the delivery side reads. */
interface DeliveryConfig extends Pick<PipelineDeps, 'batch' | 'pipeline'> {
  readonly export: ExportConfig;
  /** Off when undefined (no `spool.dir` / `PODLOG_SPOOL_DIR`). */
  readonly spool?: SpoolConfig;
}

export function createDeliverySink(
  config: DeliveryConfig,
  { counters, diag, buildDropSummary }: Pick<PipelineDeps, 'counters' | 'diag' | 'buildDropSummary'>,
): RecordSink {
  const { batch, pipeline } = config;
  // `overflow: 'spool'` without a spool is refused by the config (resolvePipelineOptions).
  const spool = config.spool && openSpool({ ...config.spool, accounting: spoolAccounting(counters), diag });
  const replayPacer = config.spool && new ReplayPacer(config.spool);
  const exporter = new HttpExporter({
    config: config.export,
    counters,
    diag,
    shutdownTimeoutMs: pipeline.shutdownTimeoutMs,
  });
  return new Pipeline({ batch, pipeline, exporter, spool, replayPacer, counters, diag, buildDropSummary });
}
