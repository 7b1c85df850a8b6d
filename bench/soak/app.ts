/**
 * The application of the soak: a logger with a spool, logging mixed records in rounds. After
 * each round it awaits `flush()` and prints a settle point `S <proc> <last i> <stats>`: every
 * record up to `last i` has then been exported, spooled (written to disk) or counted as dropped.
 * `STOP` on stdin: wait for the backlog to drain (bounded), `shutdown()`, print `END <stats>`.
 * `H <label> <bytes>` lines report the heap after a full GC (run with --expose-gc).
 *
 * env: ENDPOINT, SPOOL_DIR, PROC (this process's number), ROUND (records per round),
 * HEAP_WARMUP_MS (when to take the heap's start figure), HEAP_EVERY (also every N rounds).
 */
import { writeSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { createLogger } from '../../src/index.js';
import type { StatsSnapshot } from '../../src/stats.js';

const proc = Number(process.env.PROC ?? 0);
const round = Number(process.env.ROUND ?? 40);
/** Also report the heap every N rounds (leak hunting); 0: only at start and end. */
const heapEvery = Number(process.env.HEAP_EVERY ?? 0);
/** The heap's start figure is taken this long after start (and after 20 rounds). */
const heapWarmupMs = Number(process.env.HEAP_WARMUP_MS ?? 0);
const t0 = Date.now();
let heapStarted = false;
const out = (line: string) => writeSync(1, `${line}\n`);
let diagLines = 0;

const log = createLogger({
  endpoint: process.env.ENDPOINT,
  spool: { dir: process.env.SPOOL_DIR!, requestsPerSecond: 200 },
  env: {},
  stdout: false,
  podinfoDir: false,
  serviceName: 'soak',
  handleExit: false,
  timeoutMs: 300,
  retry: { maxAttempts: 3, maxElapsedMs: 800, initialDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 200 },
  batch: { maxRecords: 100, maxDelayMs: 20 },
  diagnostics: () => {
    diagLines++;
  },
});
const worker = log.child({ component: 'worker', proc });

function heap(label: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  out(`H ${label} ${getHeapStatistics().used_heap_size}`);
  if (heapEvery > 0) {
    const spaces = getHeapSpaceStatistics().map((sp) => `${sp.space_name}=${sp.space_used_size}`);
    out(`HS ${label} ${spaces.join(' ')}`);
  }
}

function broken(s: StatsSnapshot): boolean {
  return s.accepted + s.recovered !== s.exported + s.queued + s.spooled + s.dropped.total;
}

let i = 0;
let stopping = false;
process.stdin.on('data', (d) => {
  if (String(d).includes('STOP')) stopping = true;
});

async function main(): Promise<void> {
  let rounds = 0;
  while (!stopping) {
    for (let k = 0; k < round; k++, i++) {
      const kind = i % 10;
      if (kind < 5) log.info('order placed', { p: proc, i, sku: `sku-${i % 97}`, qty: i % 7 });
      else if (kind < 7) worker.warn('slow call', { p: proc, i, ms: i % 500, tags: ['a', 'b', i] });
      else if (kind === 7) log.error('payment failed', { p: proc, i, err: new Error(`declined ${i}`) });
      else if (kind === 8)
        log.event('cart.updated', { p: proc, i, items: Array.from({ length: 20 }, (_, n) => n) });
      else log.info('big payload', { p: proc, i, blob: 'x'.repeat(2000 + (i % 8000)) });
    }
    await log.flush();
    const s = log.stats();
    if (broken(s)) out(`V ${JSON.stringify(s)}`);
    out(`S ${proc} ${i - 1} ${JSON.stringify(s)}`);
    rounds++;
    // The start figure is taken after a warm-up: JIT code and inline caches grow the heap by
    // ~0.5 MiB in the first seconds of a 13 MiB heap, which is not a leak.
    if (!heapStarted && rounds >= 20 && Date.now() - t0 >= heapWarmupMs) {
      heapStarted = true;
      heap('start');
    }
    if (heapEvery > 0 && rounds % heapEvery === 0) heap(`r${rounds}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  // A normal shutdown: let the backlog drain first (bounded), then shut down.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const s = log.stats();
    if (s.spooled === 0 && s.queued === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  heap('end');
  await log.shutdown({ timeoutMs: 10_000 });
  const s = log.stats();
  if (broken(s)) out(`V ${JSON.stringify(s)}`);
  out(`END ${proc} ${i - 1} ${diagLines} ${JSON.stringify(s)}`);
  process.exit(0);
}
void main();
