/**
 * enableMetrics: podlog's counters through a real sdk-metrics MeterProvider, collected by a
 * MetricReader; every value must equal `stats()` at the same moment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { createLogger } from 'podlog';
import { enableMetrics } from 'podlog/otel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';

function points(all: MetricData[], name: string): Array<[Record<string, unknown>, number]> {
  const m = all.find((d) => d.descriptor.name === name);
  if (!m) throw new Error(`no metric ${name}`);
  return (m.dataPoints as DataPoint<number>[]).map((p) => [p.attributes, p.value]);
}

function value(all: MetricData[], name: string, errorType?: string): number | undefined {
  return points(all, name).find(([a]) => a['error.type'] === errorType)?.[1];
}

describe('enableMetrics', () => {
  let receiver: RunningReceiver;
  let provider: MeterProvider;
  let reader: PeriodicExportingMetricReader;
  beforeEach(async () => {
    receiver = await startReceiver({ port: 0, write: null });
    reader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });
    provider = new MeterProvider({ readers: [reader] });
  });
  afterEach(async () => {
    await provider.shutdown();
    await receiver.close();
  });

  async function collect(): Promise<MetricData[]> {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return resourceMetrics.scopeMetrics.filter((s) => s.scope.name === 'podlog').flatMap((s) => s.metrics);
  }

  it('reports the semantic-convention SDK metrics with the values of stats()', async () => {
    const log = createLogger({
      endpoint: receiver.endpoint,
      diagnostics: false,
      handleExit: false,
      queue: { maxRecords: 500 },
    });
    const handle = enableMetrics(log, { meterProvider: provider });
    expect(handle.active).toBe(true);
    for (let i = 0; i < 7; i++) log.info('record', { i });
    await log.flush();
    await log.shutdown();
    log.warn('after shutdown');
    log.warn('after shutdown again');
    const all = await collect();
    const s = log.stats();
    expect(s).toMatchObject({ exported: 7, dropped: { after_shutdown: 2 } });

    expect(value(all, 'otel.sdk.processor.log.processed')).toBe(
      s.exported + s.dropped.rejected + s.dropped.retries_exhausted,
    );
    expect(value(all, 'otel.sdk.processor.log.processed', 'already_shutdown')).toBe(s.dropped.after_shutdown);
    expect(value(all, 'otel.sdk.processor.log.processed', 'queue_full')).toBe(s.dropped.queue_full);
    expect(value(all, 'otel.sdk.exporter.log.exported')).toBe(s.exported);
    expect(value(all, 'otel.sdk.exporter.log.exported', 'rejected')).toBe(s.dropped.rejected);
    expect(value(all, 'otel.sdk.exporter.log.exported', 'retries_exhausted')).toBe(
      s.dropped.retries_exhausted,
    );
    expect(value(all, 'otel.sdk.processor.log.queue.capacity')).toBe(500);
    expect(value(all, 'otel.sdk.processor.log.queue.size')).toBe(s.queue.records - (s.queue.inFlight ?? 0));
    expect(value(all, 'otel.sdk.exporter.log.inflight')).toBe(s.queue.inFlight);
    expect(value(all, 'podlog.spool.spooled')).toBe(s.spooled);
    expect(value(all, 'podlog.spool.recovered')).toBe(s.recovered);
    // The reason counters are the drop reasons of stats(), one point each.
    const reasons = points(all, 'otel.sdk.processor.log.processed')
      .map(([a]) => a['error.type'])
      .filter((t) => t !== undefined);
    expect(reasons).toContain('encode_error');
    expect(reasons).not.toContain('rejected');
    for (const [attrs] of points(all, 'otel.sdk.exporter.log.exported')) {
      expect(attrs).toMatchObject({
        'otel.component.type': 'otlp_http_log_exporter',
        'otel.component.name': 'podlog',
      });
    }

    // Enabling twice for one provider does not double the numbers; disable() stops reporting.
    enableMetrics(log, { meterProvider: provider });
    expect(value(await collect(), 'otel.sdk.exporter.log.exported')).toBe(7);
    handle.disable();
    log.warn('a third after shutdown');
    expect(log.stats().dropped.after_shutdown).toBe(3);
    // No observation any more: a cumulative reader keeps the last value it saw.
    expect(value(await collect(), 'otel.sdk.processor.log.processed', 'already_shutdown')).toBe(2);
  });

  it('counts queue_full drops as processed with error.type queue_full', async () => {
    const log = createLogger({
      endpoint: receiver.endpoint,
      diagnostics: false,
      handleExit: false,
      queue: { maxRecords: 10 },
    });
    enableMetrics(log, { meterProvider: provider });
    for (let i = 0; i < 50; i++) log.info('burst', { i });
    const all = await collect();
    const s = log.stats();
    expect(s.dropped.queue_full).toBeGreaterThan(0);
    expect(value(all, 'otel.sdk.processor.log.processed', 'queue_full')).toBe(s.dropped.queue_full);
    await log.shutdown();
  });

  it('reports the spool (records and bytes on disk) from stats()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'podlog-metrics-spool-'));
    // A port nobody listens on: every export is refused, so batches go to the disk spool.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const log = createLogger({
      endpoint: `http://127.0.0.1:${port}/v1/logs`,
      diagnostics: false,
      handleExit: false,
      retry: { maxAttempts: 1 },
      spool: { dir },
    });
    try {
      enableMetrics(log, { meterProvider: provider });
      for (let i = 0; i < 12; i++) log.info('to disk', { i });
      await log.flush();
      const all = await collect();
      const s = log.stats();
      expect(s.spooled).toBe(12);
      expect(s.spoolBytes).toBeGreaterThan(0);
      expect(value(all, 'podlog.spool.spooled')).toBe(s.spooled);
      expect(value(all, 'podlog.spool.bytes')).toBe(s.spoolBytes);
    } finally {
      await log.shutdown({ timeoutMs: 500 });
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is inactive without a MeterProvider (the API no-op)', async () => {
    metrics.disable();
    const log = createLogger({ endpoint: receiver.endpoint, diagnostics: false, handleExit: false });
    expect(enableMetrics(log).active).toBe(false);
    await log.shutdown();
  });
});
