#!/usr/bin/env node
/**
 * OTel SDK paths: what one record costs when it comes through the OpenTelemetry SDK.
 *
 *   node bench/otel-sdk.mjs            (≈ 20 s)
 *   node bench/otel-sdk.mjs --quick    (≈ 5 s)
 *
 * Same record (body + 5 attributes), interleaved rounds, median ns/record, all into a null
 * `RecordSink` (the cost up to podlog's queue, as in hot-path.mjs):
 *   - podlog facade `log.info(msg, fields)`: the reference;
 *   - OTel Logs API → sdk-logs `LoggerProvider` → `PodlogLogRecordProcessor` (the SDK builds its
 *     LogRecordImpl, podlog merges the SDK resource: cached, so no per-record resource encoding);
 *   - OTel Logs API → podlog's `PodlogLoggerProvider` (no SDK);
 *   - for scale: the SDK's own `BatchLogRecordProcessor` into a no-op exporter (queueing only).
 *
 * Imports podlog from `src/` through tsx's loader, like hot-path.mjs.
 */
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const ROUNDS = args.quick ? 5 : 15;
const CALLS = args.quick ? 20_000 : 100_000;

register();
const { resourceFromAttributes } = await import('@opentelemetry/resources');
const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
const { resolveConfig } = await import('../src/config/resolve.ts');
const { buildLogger } = await import('../src/logger/create-logger.ts');
const { silentDiag } = await import('../src/diag.ts');
const { PodlogLogRecordProcessor, PodlogLoggerProvider } = await import('../src/integrations/otel/index.ts');

const attributes = { userId: 42, route: '/api/orders', method: 'POST', ok: true, latencyMs: 12.5 };
const MSG = 'request done';

function nullSink() {
  return {
    copiesBytes: false,
    write() {},
    pressure: 0,
    drained: async () => {},
    flush: async () => {},
    shutdown: async () => {},
    exitSync() {},
    stats: () => ({}),
  };
}
const config = resolveConfig({ env: {}, stdout: false, serviceName: 'bench' });
const facade = buildLogger(config, nullSink(), silentDiag);
const viaProcessorLog = buildLogger(config, nullSink(), silentDiag);
const resource = resourceFromAttributes({
  'service.version': '1.0.0',
  'deployment.environment.name': 'bench',
});
const sdk = new LoggerProvider({
  resource,
  processors: [new PodlogLogRecordProcessor(viaProcessorLog, { metrics: false })],
});
const sdkLogger = sdk.getLogger('bench-lib', '1.0.0');
const podlogProvider = new PodlogLoggerProvider(buildLogger(config, nullSink(), silentDiag));
const providerLogger = podlogProvider.getLogger('bench-lib', '1.0.0');
const noopExporter = { export: (_records, done) => done({ code: 0 }), shutdown: async () => {} };
const sdkBatch = new LoggerProvider({
  resource,
  processors: [
    new BatchLogRecordProcessor({ exporter: noopExporter, maxQueueSize: 1_000_000, scheduledDelayMillis: 1 }),
  ],
});
const batchLogger = sdkBatch.getLogger('bench-lib', '1.0.0');
const record = { severityNumber: 9, severityText: 'INFO', body: MSG, attributes };

const cases = {
  'podlog facade → null sink': () => facade.info(MSG, attributes),
  'Logs API → sdk-logs → PodlogLogRecordProcessor → null sink': () => sdkLogger.emit(record),
  'Logs API → PodlogLoggerProvider → null sink': () => providerLogger.emit(record),
  'Logs API → sdk-logs → BatchLogRecordProcessor (no-op exporter)': () => batchLogger.emit(record),
};

const CHUNK = 1000;
const tick = () => new Promise((r) => setImmediate(r));
async function time(fn, n) {
  let total = 0n;
  for (let done = 0; done < n; done += CHUNK) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < CHUNK; i++) fn();
    total += process.hrtime.bigint() - t0;
    await tick();
  }
  return Number(total) / n;
}

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const fn of Object.values(cases)) await time(fn, CALLS / 4); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(cases)) samples[name].push(await time(fn, CALLS));
}
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const base = med['podlog facade → null sink'];
console.log(`OTel SDK paths, node ${process.version}, ${ROUNDS} rounds × ${CALLS} records, median ns/record`);
console.log('| case | ns/record | ÷ podlog facade |');
console.log('| --- | ---: | ---: |');
for (const [name, ns] of Object.entries(med))
  console.log(`| ${name} | ${ns.toFixed(1)} | ${(ns / base).toFixed(2)}x |`);
await sdk.shutdown();
await sdkBatch.shutdown();
