/**
 * Wires the delivery side of the pipeline (batching → export → spool) from the resolved config.
 * The facade only sees the returned `RecordSink`.
 */

import type { Diag } from '../diag.js';
import { createHttpExporter } from '../export/http-exporter.js';
import type { ExportConfig } from '../export/options.js';
import type { Counters } from '../stats.js';
import type { BatchConfig } from './options.js';
import { createPipeline } from './pipeline.js';
import type { RecordSink } from './types.js';

export interface DeliveryConfig {
  readonly export: ExportConfig;
  readonly batch: BatchConfig;
}

export function createDeliverySink(config: DeliveryConfig, counters: Counters, diag: Diag): RecordSink {
  const exporter = createHttpExporter({ config: config.export, counters, diag });
  return createPipeline({ batch: config.batch, exporter, counters, diag });
}
