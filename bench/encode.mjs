#!/usr/bin/env node
/**
 * Encoder throughput (export stage): podlog's record encoder + request framing against
 * `@opentelemetry/otlp-transformer@0.52.1`'s `ProtobufLogsSerializer` (the serializer the OTel JS
 * OTLP/proto exporter uses), on the same logical records.
 *
 *   node bench/encode.mjs            (≈ 6 s: 11 rounds × 100 batches × 1,000 records)
 *   node bench/encode.mjs --quick    (≈ 1 s: 5 rounds × 10 batches, CI smoke)
 *
 * Each round times both contenders back to back (interleaved, so machine noise hits both);
 * the figure is the median over rounds. Both start from plain JS values (message, 5 fields,
 * trace context, timestamps) and end with one `ExportLogsServiceRequest` body per batch:
 *   - podlog: `encodeRecord` per record (what a log call does) + `encodeRequest` per batch;
 *   - OTel: `ReadableLogRecord`-shaped objects → `ProtobufLogsSerializer.serializeRequest`.
 * Before timing, both bodies are decoded with the OTel generated decoder and compared.
 *
 * Imports podlog from `src/` through tsx's loader (no build step).
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const ROUNDS = args.quick ? 5 : 11;
const BATCHES = args.quick ? 10 : 100;
const RECORDS = 1000;

register();
const require = createRequire(import.meta.url);
const { ProtobufLogsSerializer } = require('@opentelemetry/otlp-transformer');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const { encodeRecord } = await import('../src/record/encode-record.ts');
const { encodeResource, encodeScope } = await import('../src/record/encode-scope.ts');
const { encodeRequest } = await import('../src/otlp/encode-request.ts');

const resourceAttributes = {
  'service.name': 'checkout',
  'service.version': '1.4.2',
  'k8s.namespace.name': 'shop',
  'k8s.pod.name': 'checkout-7d9f8b6c5-x2k4q',
  'telemetry.sdk.name': 'podlog',
};
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const T0 = 1_700_000_000_000n * 1_000_000n;

/** The logical records: what an app passes to a log call. */
const inputs = Array.from({ length: RECORDS }, (_, i) => ({
  timeNs: T0 + BigInt(i) * 1000n,
  msg: `request ${i} done`,
  fields: { userId: 1000 + i, route: '/api/orders', method: 'POST', ok: i % 7 !== 0, latencyMs: 12.5 + i },
}));

// ---- podlog --------------------------------------------------------------------------------
const resource = encodeResource(resourceAttributes);
const scope = encodeScope('checkout', '1.0.0');
const traceId = Buffer.from(TRACE, 'hex');
const spanId = Buffer.from(SPAN, 'hex');

function podlogBatch() {
  const records = new Array(RECORDS);
  for (let i = 0; i < RECORDS; i++) {
    const r = inputs[i];
    const bytes = encodeRecord({
      timeUnixNano: r.timeNs,
      observedTimeUnixNano: r.timeNs,
      severityNumber: 9,
      severityText: 'INFO',
      body: r.msg,
      fields: r.fields,
      traceId,
      spanId,
      flags: 1,
    });
    records[i] = { bytes, scope, resource };
  }
  return encodeRequest(records);
}

// ---- OpenTelemetry otlp-transformer --------------------------------------------------------
const otelResource = { attributes: resourceAttributes };
const otelScope = { name: 'checkout', version: '1.0.0' };

function otelBatch() {
  const records = new Array(RECORDS);
  for (let i = 0; i < RECORDS; i++) {
    const r = inputs[i];
    const hr = [Number(r.timeNs / 1_000_000_000n), Number(r.timeNs % 1_000_000_000n)];
    records[i] = {
      hrTime: hr,
      hrTimeObserved: hr,
      severityNumber: 9,
      severityText: 'INFO',
      body: r.msg,
      attributes: r.fields,
      droppedAttributesCount: 0,
      resource: otelResource,
      instrumentationScope: otelScope,
      spanContext: { traceId: TRACE, spanId: SPAN, traceFlags: 1 },
    };
  }
  return ProtobufLogsSerializer.serializeRequest(records);
}

// ---- same records? -------------------------------------------------------------------------
const Request = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
function canonicalRecords(body) {
  const o = Request.toObject(Request.decode(body), { longs: String, bytes: String, defaults: false });
  return o.resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) =>
      sl.logRecords.map((lr) => {
        const attrs = Object.fromEntries((lr.attributes ?? []).map((kv) => [kv.key, kv.value]));
        return JSON.stringify({
          // Attribute order carries no meaning (podlog sorts resource attributes).
          resource: rl.resource.attributes
            .map((kv) => [kv.key, kv.value])
            .sort(([x], [y]) => (x < y ? -1 : 1)),
          scope: sl.scope,
          time: lr.timeUnixNano,
          sev: lr.severityNumber,
          text: lr.severityText,
          body: lr.body,
          attrs: Object.keys(attrs)
            .sort()
            .map((k) => [k, attrs[k]]),
          trace: lr.traceId,
          span: lr.spanId,
          flags: lr.flags,
        });
      }),
    ),
  );
}
const a = canonicalRecords(podlogBatch());
const b = canonicalRecords(otelBatch());
if (a.length !== RECORDS || a.some((rec, i) => rec !== b[i])) {
  const i = a.findIndex((rec, j) => rec !== b[j]);
  console.error(`encoders disagree at record ${i}:\n  podlog ${a[i]}\n  otel   ${b[i]}`);
  process.exit(1);
}

// ---- timing --------------------------------------------------------------------------------
function run(fn) {
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < BATCHES; i++) bytes += fn().length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    recordsPerSec: (BATCHES * RECORDS) / seconds,
    mbPerSec: bytes / seconds / 1e6,
    bytes: bytes / BATCHES,
  };
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

for (let i = 0; i < 3; i++) {
  run(podlogBatch);
  run(otelBatch);
}
const results = { podlog: [], otel: [] };
for (let round = 0; round < ROUNDS; round++) {
  results.podlog.push(run(podlogBatch));
  results.otel.push(run(otelBatch));
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const summary = Object.fromEntries(
  Object.entries(results).map(([name, rs]) => [
    name,
    {
      recordsPerSec: median(rs.map((r) => r.recordsPerSec)),
      mbPerSec: median(rs.map((r) => r.mbPerSec)),
      batchBytes: rs[0].bytes,
    },
  ]),
);
const ratio = summary.podlog.recordsPerSec / summary.otel.recordsPerSec;
console.log(`# Encoder throughput (median of ${ROUNDS} rounds × ${BATCHES} batches × ${RECORDS} records)\n`);
console.log('| encoder | records/s | MB/s | bytes/batch |');
console.log('| --- | ---: | ---: | ---: |');
console.log(
  `| podlog encodeRecord + encodeRequest | ${fmt(summary.podlog.recordsPerSec)} | ${summary.podlog.mbPerSec.toFixed(1)} | ${fmt(summary.podlog.batchBytes)} |`,
);
console.log(
  `| @opentelemetry/otlp-transformer 0.52.1 ProtobufLogsSerializer | ${fmt(summary.otel.recordsPerSec)} | ${summary.otel.mbPerSec.toFixed(1)} | ${fmt(summary.otel.batchBytes)} |`,
);
console.log(`\npodlog / otel: ${ratio.toFixed(2)}x (target ≥ 2x: ${ratio >= 2 ? 'met' : 'NOT met'})`);
