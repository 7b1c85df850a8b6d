#!/usr/bin/env node
/**
 * Facade hot path, before/after: the `src/` of a git ref (A) against the working tree (B), in
 * one process, interleaved round by round (the order alternates), so both see the same machine.
 *
 *   node bench/hot-path-ab.mjs <ref>            (≈ 60 s: 21 rounds × 50,000 calls per case)
 *   node bench/hot-path-ab.mjs <ref> --quick    (≈ 10 s)
 *
 * Cost is CPU time of this process (`process.cpuUsage`, user + system) per call, not wall
 * time: on a shared, loaded machine, waiting for a core is not the call's cost, and it swamps a
 * 5 % difference (bench/hot-path.mjs reports wall time). Cases: podlog order `info(msg,
 * fields)`, pino order `info(fields, msg)`, printf `info('… %s %d', …)` (a ref without printf
 * support does less work for that call: compare it with care), a child with 2 bindings, and a
 * disabled call, all into a null `RecordSink`. The printf case runs in every round on purpose:
 * calls with more than two arguments must not slow the others down. Reported: each side's median, their ratio, and the median of the
 * per-round ratios (robust to load drift). A is `git archive <ref> src` in a temp directory,
 * with this tree's node_modules linked in; imported through tsx's loader like hot-path.mjs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: 'boolean', default: false } },
});
const ref = positionals[0];
if (!ref) {
  console.error('usage: node bench/hot-path-ab.mjs <git ref> [--quick]');
  process.exit(2);
}
const ROUNDS = opts.quick ? 5 : 21;
const CALLS = opts.quick ? 20_000 : 50_000;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const base = mkdtempSync(join(tmpdir(), 'podlog-ab-'));
execFileSync('sh', ['-c', `git -C "${root}" archive "${ref}" src | tar -x -C "${base}"`]);
symlinkSync(join(root, 'node_modules'), join(base, 'node_modules'));
for (const f of ['package.json', 'tsconfig.json']) execFileSync('cp', [join(root, f), base]);

register();
const fields = { userId: 42, route: '/api/orders', method: 'POST', ok: true, latencyMs: 12.5 };
const MSG = 'request done';
const nullSink = () => ({
  write() {},
  pressure: 0,
  drained: async () => {},
  flush: async () => {},
  shutdown: async () => {},
  exitSync() {},
  stats: () => ({}),
});

async function cases(dir) {
  const { resolveConfig } = await import(join(dir, 'src/config/resolve.ts'));
  // buildLogger moved from build-logger.ts into create-logger.ts; older refs have only the former.
  const file = ['create-logger.ts', 'build-logger.ts'].find((f) =>
    readFileSync(join(dir, 'src/logger', f), 'utf8').includes('export function buildLogger'),
  );
  const { buildLogger } = await import(join(dir, 'src/logger', file));
  const { silentDiag } = await import(join(dir, 'src/diag.ts'));
  const log = buildLogger(
    resolveConfig({ env: {}, stdout: false, serviceName: 'bench' }),
    nullSink(),
    silentDiag,
  );
  const child = log.child({ requestId: 'c0ffee', tenant: 'acme' });
  return {
    'info(msg, fields)': () => log.info(MSG, fields),
    'info(fields, msg)': () => log.info(fields, MSG),
    "info('… %s %d', s, n)": () => log.info('request %s done in %d ms', 'abc', 12),
    'child (2 bindings)': () => child.info(MSG, fields),
    'disabled (debug at info)': () => log.debug(MSG, fields),
  };
}

const tick = () => new Promise((r) => setImmediate(r));
async function time(fn, n) {
  const c0 = process.cpuUsage();
  for (let done = 0; done < n; done += 1000) {
    for (let i = 0; i < 1000; i++) fn();
    if (done % 10_000 === 0) await tick();
  }
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / n;
}
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

try {
  const A = await cases(base);
  const B = await cases(root);
  const names = Object.keys(B);
  const samples = {
    A: Object.fromEntries(names.map((k) => [k, []])),
    B: Object.fromEntries(names.map((k) => [k, []])),
  };
  for (const k of names) {
    await time(A[k], CALLS / 2);
    await time(B[k], CALLS / 2);
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of names) {
      for (const side of r % 2 ? ['A', 'B'] : ['B', 'A']) {
        const fn = side === 'A' ? A[k] : B[k];
        samples[side][k].push(await time(fn, CALLS));
      }
    }
  }
  console.log(
    `facade hot path A/B, node ${process.version}, ${ROUNDS} interleaved rounds × ${CALLS} calls, CPU ns/call (median)`,
  );
  console.log(`A = ${ref}, B = working tree`);
  console.log('| case | A | B | B ÷ A | median of per-round B ÷ A |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const k of names) {
    const a = median(samples.A[k]);
    const b = median(samples.B[k]);
    const perRound = median(samples.B[k].map((x, i) => x / samples.A[k][i]));
    console.log(
      `| ${k} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(3)} | ${perRound.toFixed(3)} |`,
    );
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
