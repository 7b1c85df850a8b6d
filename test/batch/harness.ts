/** Builds a pipeline around the fakes with small, test-chosen limits. */
import { type Overflow, Pipeline, type PipelineDeps, resolvePipelineOptions } from '../../src/batch/index.js';
import { silentDiag } from '../../src/diag.js';
import { buildDropSummary } from '../../src/logger/index.js';
import { Counters } from '../../src/stats.js';
import { FakeExporter, type FakeSpool } from './fakes.js';

export interface Setup {
  maxRecords?: number;
  maxBytes?: number;
  batchRecords?: number;
  batchBytes?: number;
  maxDelayMs?: number;
  concurrency?: number;
  overflow?: Overflow;
  /** Registers the pipeline's process exit hooks. Default false. */
  handleExit?: boolean;
  spool?: FakeSpool;
  counters?: Counters;
  extra?: Partial<PipelineDeps>;
}

export function setup(o: Setup = {}) {
  const counters = o.counters ?? new Counters();
  const exporter = new FakeExporter();
  const sink = new Pipeline({
    batch: {
      maxRecords: o.batchRecords ?? 512,
      maxBytes: o.batchBytes ?? 1 << 20,
      maxDelayMs: o.maxDelayMs ?? 1000,
    },
    pipeline: {
      ...resolvePipelineOptions({}),
      queue: { maxRecords: o.maxRecords ?? 100_000, maxBytes: o.maxBytes ?? 32 << 20 },
      concurrency: o.concurrency ?? 2,
      overflow: o.overflow,
      handleExit: o.handleExit ?? false,
    },
    exporter,
    spool: o.spool,
    counters,
    diag: silentDiag,
    buildDropSummary,
    ...o.extra,
  });
  return { sink, exporter, counters };
}
