// Micro-benchmark of the stdout mirror's line formatters (the hot path when `stdout` is on):
// median ns per line over repeated runs. Run: node --import tsx bench/format-line.mjs
import { formatJsonLine, formatPrettyLine } from '../src/record/format-line.ts';

const rec = {
  timeUnixNano: 1_700_000_000_123_000_000n,
  observedTimeUnixNano: 1_700_000_000_123_000_000n,
  severityNumber: 9,
  severityText: 'INFO',
  body: 'request done in 12 ms for /api/orders',
  attributes: { userId: 42, route: '/api/orders', method: 'GET', status: 200, ok: true },
  droppedAttributesCount: 0,
  flags: 1,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  eventName: '',
};

function median(fn, n = 50_000, runs = 9) {
  const out = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    out.push(Number(process.hrtime.bigint() - t) / n);
  }
  out.sort((a, b) => a - b);
  return out[Math.floor(runs / 2)];
}

const pretty = median(() => formatPrettyLine(rec, 'http', false));
const json = median(() => formatJsonLine(rec, 'http'));
console.log(`pretty: ${pretty.toFixed(0)} ns/line, json: ${json.toFixed(0)} ns/line`);
