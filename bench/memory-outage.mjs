#!/usr/bin/env node
/**
 * Memory bound during a backend outage: the backend is down, `overflow: 'drop-oldest'`, and the
 * app logs 1,000,000 records. podlog must keep RSS within `queue.maxBytes` + 40 MiB, count every
 * record it drops, and stay responsive. The bound applies to RSS growth over the process before
 * the logger was created.
 *
 *   node bench/memory-outage.mjs                       (≈ 20 s)
 *   node bench/memory-outage.mjs --records 200000      (quicker)
 *   node bench/memory-outage.mjs --mode 503            (backend answers 503 instead of refusing)
 *
 * Options: --records N (default 1,000,000), --size BYTES of each record's payload (default 300,
 * so the byte bound binds before the 100,000-record bound), --max-bytes MiB (queue.maxBytes,
 * default 32), --chunk N records per event-loop turn (default 5,000), --mode refuse|503.
 * Imports podlog from `src/` through tsx's loader (like bench/hot-path.mjs). Prints a markdown
 * summary on stdout; exits 1 if the bound was exceeded.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '300' },
    'max-bytes': { type: 'string', default: '32' },
    chunk: { type: 'string', default: '5000' },
    mode: { type: 'string', default: 'refuse' },
  },
});
const RECORDS = Number(args.records);
const SIZE = Number(args.size);
const MAX_BYTES = Number(args['max-bytes']) * 1024 * 1024;
const CHUNK = Number(args.chunk);
const MiB = 1024 * 1024;

register();
const { createLogger } = await import('../src/index.ts');

/**
 * A backend that is down: a closed port (connection refused), or a server answering 503 in a
 * child process (in this process its request buffers would count against podlog's RSS).
 */
async function downBackend(mode) {
  if (mode === 'refuse') {
    const server = createServer();
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${server.address().port}/v1/logs`;
    await new Promise((r) => server.close(r));
    return { endpoint, close: async () => {} };
  }
  const script = `
    const s = require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(503); res.end(); });
    });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) =>
    child.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
  );
  return { endpoint: `http://127.0.0.1:${port}/v1/logs`, close: async () => child.kill() };
}

const backend = await downBackend(args.mode);
const baseline = process.memoryUsage().rss;
const log = createLogger({
  endpoint: backend.endpoint,
  serviceName: 'memory-outage-bench',
  overflow: 'drop-oldest',
  queue: { maxBytes: MAX_BYTES },
  diagnostics: false,
  handleExit: false,
});

const payload = 'x'.repeat(SIZE);
let peak = 0;
let peakFill = 0;
let peakHeap = 0;
let peakExternal = 0;
const sample = () => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakHeap = Math.max(peakHeap, m.heapTotal);
  peakExternal = Math.max(peakExternal, m.external);
  peakFill = Math.max(peakFill, log.pressure);
};
const sampler = setInterval(sample, 20);

const started = performance.now();
for (let i = 0; i < RECORDS; i += CHUNK) {
  const end = Math.min(RECORDS, i + CHUNK);
  for (let j = i; j < end; j++) log.info('order placed', { i: j, user: 'u-12345', payload, ok: true });
  sample();
  // An app yields between requests; the exporter's retries and timers get their turns.
  await new Promise((r) => setImmediate(r));
}
const loggedMs = performance.now() - started;
sample();
const during = log.stats();
clearInterval(sampler);
await log.shutdown({ timeoutMs: 1000 });
const after = log.stats();
await backend.close();

const bound = MAX_BYTES + 40 * MiB;
const mib = (n) => (n / MiB).toFixed(1);
const invariant =
  after.accepted + after.recovered === after.exported + after.queued + after.spooled + after.dropped.total;
// The bound is on what podlog adds: RSS growth over the process before the logger existed
// (Node itself, and tsx's loader here, take ~50-100 MiB that no logger can give back).
const ok = peak - baseline <= bound && invariant && after.accepted === RECORDS;

console.log(`## Memory during an outage (${args.mode === 'refuse' ? 'connection refused' : 'HTTP 503'})

| | |
| --- | --- |
| records logged | ${RECORDS.toLocaleString('en')} × ~${SIZE + 60} bytes, in ${(loggedMs / 1000).toFixed(1)} s (${Math.round(RECORDS / (loggedMs / 1000)).toLocaleString('en')}/s) |
| queue.maxBytes | ${mib(MAX_BYTES)} MiB (bound: RSS growth ≤ ${mib(bound)} MiB) |
| RSS before the logger | ${mib(baseline)} MiB |
| peak RSS | **${mib(peak)} MiB** (${mib(peak - baseline)} MiB above the baseline) |
| peak V8 heap / external (ArrayBuffers) | ${mib(peakHeap)} MiB / ${mib(peakExternal)} MiB |
| peak queue fill | ${(peakFill * 100).toFixed(0)} % |
| in memory at the end of logging | ${during.queue.records.toLocaleString('en')} records, ${mib(during.queue.bytes)} MiB |
| dropped (queue_full) | ${after.dropped.queue_full.toLocaleString('en')} |
| dropped (retries_exhausted / shutdown) | ${after.dropped.retries_exhausted.toLocaleString('en')} / ${after.dropped.shutdown.toLocaleString('en')} |
| invariant accepted = exported + queued + spooled + dropped | ${invariant ? 'holds' : 'BROKEN'} |
| verdict | ${ok ? 'within the bound' : 'OVER THE BOUND'} |
`);
process.exitCode = ok ? 0 : 1;
