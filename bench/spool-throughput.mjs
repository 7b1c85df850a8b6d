#!/usr/bin/env node
/**
 * Spool throughput: write MB/s and records/s per durability mode (async append and the
 * synchronous exit path), recovery scan, and replay (next → ack) after an outage; plus CRC32C.
 * Spool-side only: network replay speed is the backend's and the pacer's business.
 *
 *   node bench/spool-throughput.mjs            ~200 MB written in total
 *   node bench/spool-throughput.mjs --quick    small smoke run
 *
 * Imports podlog from `src/` through tsx's loader (no build step). Writes under os.tmpdir().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
register();
const { openSpool, resolveSpoolOptions, crc32c } = await import('../src/spool/index.ts');
const { Counters } = await import('../src/stats.ts');
const { createDiag } = await import('../src/diag.ts');
const { spoolAccounting } = await import('../src/batch/drops.ts');

const RECORDS_PER_BATCH = 512;
const BODY_BYTES = 512 * 150; // ~150 bytes per encoded record, a typical structured log line
const BATCHES = args.quick ? 40 : 400;

const bodies = Array.from({ length: 16 }, (_, k) => {
  const b = Buffer.alloc(BODY_BYTES);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + k * 7) & 0xff;
  return b;
});
const batch = (i) => ({ id: `bench-${i}`, count: RECORDS_PER_BATCH, body: bodies[i % bodies.length] });
const MB = 1024 * 1024;
const rows = [];
const fmt = (bytes, records, ms) =>
  `${(bytes / MB / (ms / 1000)).toFixed(0).padStart(6)} MB/s  ${Math.round(records / (ms / 1000))
    .toLocaleString('en-US')
    .padStart(12)} records/s`;

function open(dir, durability) {
  const cfg = resolveSpoolOptions({ dir, durability, maxBytes: 1024 * MB }, {});
  return openSpool({
    ...cfg,
    accounting: spoolAccounting(new Counters()),
    diag: createDiag({ sink: false }),
  });
}

for (const durability of ['none', 'interval', 'always']) {
  const dir = mkdtempSync(join(tmpdir(), 'podlog-bench-spool-'));
  try {
    const n = durability === 'always' ? Math.ceil(BATCHES / 4) : BATCHES;
    const spool = open(dir, durability);
    let t0 = performance.now();
    for (let i = 0; i < n; i++) if (!(await spool.append(batch(i)))) throw new Error('append refused');
    await spool.close();
    let ms = performance.now() - t0;
    rows.push([`write  append     ${durability.padEnd(8)}`, fmt(n * BODY_BYTES, n * RECORDS_PER_BATCH, ms)]);

    // After an outage: a new process recovers the backlog, then drains it.
    const again = open(dir, durability);
    t0 = performance.now();
    await again.whenRecovered();
    ms = performance.now() - t0;
    rows.push([`recover scan      ${durability.padEnd(8)}`, fmt(n * BODY_BYTES, n * RECORDS_PER_BATCH, ms)]);
    t0 = performance.now();
    let got = 0;
    for (let b = await again.next(); b; b = await again.next()) {
      await again.ack(b.id);
      got++;
    }
    ms = performance.now() - t0;
    if (got !== n) throw new Error(`replayed ${got} of ${n}`);
    rows.push([`replay next+ack   ${durability.padEnd(8)}`, fmt(n * BODY_BYTES, n * RECORDS_PER_BATCH, ms)]);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

{
  const dir = mkdtempSync(join(tmpdir(), 'podlog-bench-spool-'));
  try {
    const spool = open(dir, 'interval');
    const n = Math.ceil(BATCHES / 4);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (!spool.appendSync(batch(i))) throw new Error('appendSync refused');
    const ms = performance.now() - t0;
    await spool.close();
    rows.push(['write  appendSync (writeSync+fsyncSync)', fmt(n * BODY_BYTES, n * RECORDS_PER_BATCH, ms)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

{
  const data = Buffer.alloc(64 * MB, 7);
  const t0 = performance.now();
  crc32c(data);
  const ms = performance.now() - t0;
  rows.push(['crc32c', `${(64 / (ms / 1000)).toFixed(0).padStart(6)} MB/s`]);
}

console.log(
  `spool throughput (${BATCHES} batches of ${RECORDS_PER_BATCH} records, ${(BODY_BYTES / 1024).toFixed(0)} KiB each; node ${process.version})`,
);
for (const [name, value] of rows) console.log(`  ${name.padEnd(42)} ${value}`);
