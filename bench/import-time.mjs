#!/usr/bin/env node
/**
 * Import cost: what `import` of a logging library costs a process before its first log call.
 *
 *   node bench/import-time.mjs                 (builds podlog with tsup into a temp dir, 15 runs)
 *   node bench/import-time.mjs --runs 31
 *   node bench/import-time.mjs --dist ./dist   (measure an existing build instead)
 *
 * Each run of each contender is a fresh `node` child process that times one `await import(…)`
 * (wall clock, CPU user+system) and reports its RSS after it. Contenders are interleaved, one
 * run of each in rotated order before the next, so they see the same machine noise; the table
 * shows medians and min–max, and ratios to pino.
 *
 *   - bare node: an empty module (the floor: the loader itself)
 *   - podlog: the built ESM entry (`dist/index.js`), as `import('podlog')` loads it
 *   - pino
 *   - OTel logs SDK: `@opentelemetry/sdk-logs` + `@opentelemetry/exporter-logs-otlp-proto`
 *     (what an app needs to ship logs over OTLP/HTTP with the official SDK)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { summarize } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, dist: { type: 'string' } },
});
const RUNS = Number(args.runs);
const root = resolve(import.meta.dirname, '..');

let tmp;
let dist = args.dist ? resolve(args.dist) : undefined;
if (!dist) {
  // A fresh build of the working tree, resolving its dependencies from the repo's node_modules.
  tmp = mkdtempSync(join(tmpdir(), 'podlog-import-time-'));
  symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'), 'dir');
  writeFileSync(join(tmp, 'package.json'), '{"type":"module"}');
  dist = join(tmp, 'dist');
  const built = spawnSync(
    process.execPath,
    [join(root, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', dist, '--no-dts', '--no-sourcemap'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (built.status !== 0) throw new Error('tsup build failed');
}
const podlogEntry = join(dist, 'index.js');
if (!existsSync(podlogEntry)) throw new Error(`no ${podlogEntry}: build first (npx tsup)`);

const CONTENDERS = {
  'bare node': [],
  podlog: [pathToFileURL(podlogEntry).href],
  pino: ['pino'],
  'OTel logs SDK': ['@opentelemetry/sdk-logs', '@opentelemetry/exporter-logs-otlp-proto'],
};

/** The child: one import (of every listed module, in order), timed from inside. */
const child = (modules) => `
const t0 = performance.now();
const c0 = process.cpuUsage();
${modules.map((m) => `await import(${JSON.stringify(m)});`).join('\n')}
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20 }));
`;

const samples = Object.fromEntries(Object.keys(CONTENDERS).map((name) => [name, []]));
const names = Object.keys(CONTENDERS);
const load0 = loadavg();
for (let run = 0; run < RUNS; run++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(run + i) % names.length];
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', child(CONTENDERS[name])], {
      cwd: root,
      encoding: 'utf8',
    });
    if (out.status !== 0) throw new Error(`${name}: ${out.stderr}`);
    samples[name].push(JSON.parse(out.stdout));
  }
}
if (tmp) rmSync(tmp, { recursive: true, force: true });

const stat = (name, key) => summarize(samples[name].map((s) => s[key]));
const fmt = (s, digits = 1) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const rows = names.map((name) => ({
  name,
  ms: stat(name, 'ms'),
  cpu: stat(name, 'cpuMs'),
  rss: stat(name, 'rssMb'),
}));
const pino = rows.find((r) => r.name === 'pino');
const bare = rows.find((r) => r.name === 'bare node');

console.log(
  `import cost, ${RUNS} runs each, medians (min–max); node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${load0.map((l) => l.toFixed(2)).join(' / ')} → ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}\n`,
);
console.log(
  '| contender | import wall ms | import CPU ms | RSS after MiB | RSS over bare node MiB | wall vs pino | CPU vs pino |',
);
console.log('| --- | --: | --: | --: | --: | --: | --: |');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${fmt(r.ms)} | ${fmt(r.cpu)} | ${fmt(r.rss)} | ${(r.rss.median - bare.rss.median).toFixed(1)} | ${(r.ms.median / pino.ms.median).toFixed(2)}× | ${(r.cpu.median / pino.cpu.median).toFixed(2)}× |`,
  );
}
