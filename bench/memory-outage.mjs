#!/usr/bin/env node
/**
 * Memory bound during a backend outage: the backend is down, `overflow: 'drop-oldest'`, and the
 * app logs 1,000,000 records. podlog must keep RSS within `queue.maxBytes` + 40 MiB, count every
 * record it drops, and stay responsive. The bound applies to the peak RSS during the outage
 * minus the RSS of the process before the logger was created (Node, tsx's loader and podlog's
 * modules loaded): what podlog adds, its compiled code included. Before the outage the service
 * runs with its backend up (`--warm`, 200,000 records exported); `--warm 0` starts down.
 *
 *   node bench/memory-outage.mjs                       (≈ 10 s)
 *   node bench/memory-outage.mjs --records 200000      (quicker)
 *   node bench/memory-outage.mjs --mode 503            (backend answers 503 instead of refusing)
 *
 * Options: --records N (default 1,000,000), --size BYTES of each record's payload (default 300,
 * so the byte bound binds before the 100,000-record bound), --max-bytes MiB (queue.maxBytes,
 * default 32), --chunk N records per event-loop turn (default 5,000), --mode refuse|503,
 * --warm N records exported before the outage (default 200,000).
 * Imports podlog from `src/` through tsx's loader (like bench/hot-path.mjs). Prints a markdown
 * summary on stdout; exits 1 if the bound was exceeded.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '300' },
    'max-bytes': { type: 'string', default: '32' },
    chunk: { type: 'string', default: '5000' },
    mode: { type: 'string', default: 'refuse' },
    warm: { type: 'string', default: '200000' },
  },
});
const RECORDS = Number(args.records);
const SIZE = Number(args.size);
const MAX_BYTES = Number(args['max-bytes']) * 1024 * 1024;
const CHUNK = Number(args.chunk);
const WARM = Number(args.warm);
const MiB = 1024 * 1024;

register();
const { createLogger } = await import('../src/index.ts');

/**
 * The backend, in a child process (in this process its request buffers would count against
 * podlog's RSS). It answers 200 until it is told to go down; then it answers 503 (`--mode 503`)
 * or exits, so its port refuses connections (`--mode refuse`). With `--warm 0` it is down from
 * the start.
 */
async function startBackend(mode, up) {
  const script = `
    let down = ${!up};
    process.stdin.on('data', () => { down = true; console.log('down'); });
    const s = require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(down ? 503 : 200); res.end(); });
    });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = () => new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  const port = Number(await line());
  const exited = new Promise((r) => child.once('exit', r));
  const close = async () => {
    child.kill();
    await exited;
  };
  const goDown = async () => {
    if (mode === 'refuse') await close();
    else {
      child.stdin.write('down\n');
      await line();
    }
  };
  if (!up && mode === 'refuse') await close();
  return { endpoint: `http://127.0.0.1:${port}/v1/logs`, goDown, close };
}

const backend = await startBackend(args.mode, WARM > 0);
// The Node + tsx + podlog-modules baseline: the process before the logger exists.
const base = process.memoryUsage();
const baseline = base.rss;
const log = createLogger({
  endpoint: backend.endpoint,
  serviceName: 'memory-outage-bench',
  overflow: 'drop-oldest',
  queue: { maxBytes: MAX_BYTES },
  diagnostics: false,
  handleExit: false,
});

const payload = 'x'.repeat(SIZE);
let logged = 0;
/**
 * Logs `n` records in chunks, yielding between chunks as an app does between requests (the
 * exporter's requests, retries and timers get their turns), or waiting for `pace()`.
 */
async function logRecords(n, each, pace = () => new Promise((r) => setImmediate(r))) {
  for (let i = 0; i < n; i += CHUNK) {
    const end = logged + Math.min(CHUNK, n - i);
    for (; logged < end; logged++) {
      log.info('order placed', { i: logged, user: 'u-12345', payload, ok: true });
    }
    each();
    await pace();
  }
}

// Warm-up: the service ran with its backend up before the outage (podlog's code and undici's
// HTTP parser are compiled; V8 compiling undici's WebAssembly parser costs a one-time ~30-40
// MiB for ~0.1 s, which a cold process would pay during the outage: see `--warm 0`).
let warmPeak = base.rss;
let warmExported = 0;
if (WARM > 0) {
  const sampleWarm = () => {
    warmPeak = Math.max(warmPeak, process.memoryUsage().rss);
  };
  const warmSampler = setInterval(sampleWarm, 20);
  // At a pace the backend keeps up with: every record is exported, none dropped.
  await logRecords(WARM, sampleWarm, () => log.flush());
  sampleWarm();
  clearInterval(warmSampler);
  warmExported = log.stats().exported;
  await backend.goDown();
}

let peak = 0;
let peakFill = 0;
let peakHeap = 0;
let peakExternal = 0;
/** process.memoryUsage() at the moment of peak RSS: where the memory is. */
let atPeak = base;
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss > peak) {
    peak = m.rss;
    atPeak = m;
  }
  peakHeap = Math.max(peakHeap, m.heapTotal);
  peakExternal = Math.max(peakExternal, m.external);
  peakFill = Math.max(peakFill, log.pressure);
};
const sampler = setInterval(sample, 20);

const started = performance.now();
await logRecords(RECORDS, sample);
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
const ok = peak - baseline <= bound && invariant && after.accepted === WARM + RECORDS;

console.log(`## Memory during an outage (${args.mode === 'refuse' ? 'connection refused' : 'HTTP 503'})

| | |
| --- | --- |
| warm-up (backend up) | ${WARM > 0 ? `${WARM.toLocaleString('en')} records, ${warmExported.toLocaleString('en')} exported; peak RSS ${mib(warmPeak)} MiB (${mib(warmPeak - baseline)} MiB above the baseline)` : 'none: the backend is down from the start'} |
| records logged during the outage | ${RECORDS.toLocaleString('en')} × ~${SIZE + 60} bytes, in ${(loggedMs / 1000).toFixed(1)} s (${Math.round(RECORDS / (loggedMs / 1000)).toLocaleString('en')}/s) |
| queue.maxBytes | ${mib(MAX_BYTES)} MiB (bound: RSS growth ≤ ${mib(bound)} MiB) |
| RSS before the logger (Node + tsx + podlog's modules: the baseline) | ${mib(baseline)} MiB |
| peak RSS during the outage | **${mib(peak)} MiB** (**${mib(peak - baseline)} MiB** above the baseline) |
| peak V8 heap / external (ArrayBuffers) | ${mib(peakHeap)} MiB / ${mib(peakExternal)} MiB |
| at peak RSS, over the baseline: heap total / used, array buffers, rest (code, native) | ${mib(atPeak.heapTotal - base.heapTotal)} / ${mib(atPeak.heapUsed - base.heapUsed)} MiB, ${mib(atPeak.arrayBuffers - base.arrayBuffers)} MiB, ${mib(atPeak.rss - base.rss - (atPeak.heapTotal - base.heapTotal) - (atPeak.arrayBuffers - base.arrayBuffers))} MiB |
| peak queue fill | ${(peakFill * 100).toFixed(0)} % |
| in memory at the end of logging | ${during.queue.records.toLocaleString('en')} records, ${mib(during.queue.bytes)} MiB |
| dropped (queue_full) | ${after.dropped.queue_full.toLocaleString('en')} |
| dropped (retries_exhausted / shutdown) | ${after.dropped.retries_exhausted.toLocaleString('en')} / ${after.dropped.shutdown.toLocaleString('en')} |
| invariant accepted = exported + queued + spooled + dropped | ${invariant ? 'holds' : 'BROKEN'} |
| verdict | ${ok ? 'within the bound' : 'OVER THE BOUND'} |
`);
process.exitCode = ok ? 0 : 1;
