#!/usr/bin/env node
/**
 * Prints where a V8 CPU profile (from `npm run bench -- --cpu-prof DIR`) spent its time:
 * the top functions by self time, and the share per package / podlog source file.
 *
 *   node bench/lib/profile-top.mjs DIR/podlog-burst-1.cpuprofile [N] [--workload]
 *
 * --workload counts only the samples from the first one inside the workload (runBurst /
 * runSteady) on, i.e. leaves out process start-up and module loading, like the bench's CPU figure.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const argv = process.argv.slice(2);
const workloadOnly = argv.includes('--workload');
const [file, topArg] = argv.filter((a) => a !== '--workload');
if (!file) {
  process.stderr.write('usage: profile-top.mjs FILE.cpuprofile [N] [--workload]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

function inWorkload(id) {
  for (let n = id; n !== undefined; n = parentOf.get(n)) {
    const name = nodeById.get(n).callFrame.functionName;
    if (name === 'runBurst' || name === 'runSteady') return true;
  }
  return false;
}

const first = workloadOnly ? Math.max(0, profile.samples.findIndex(inWorkload)) : 0;
const samples = profile.samples.slice(first);
// Self time per node = samples hitting it × the mean sampling interval.
const hits = new Map();
for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const usPerSample = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
const totalUs = samples.length * usPerSample;

function where(cf) {
  const url = cf.url.replace(/^file:\/\//, '');
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url || '(native)';
}

function bucket(cf) {
  if (!cf.url) return cf.functionName.startsWith('(') ? cf.functionName : '(native)';
  const w = where(cf);
  if (w.startsWith('@')) return w.split('/').slice(0, 2).join('/');
  if (w.startsWith('dist/') || w.startsWith('node:')) return w;
  if (w.startsWith('/')) return relative(process.cwd(), w);
  return w.split('/')[0];
}

const byFn = new Map();
const byBucket = new Map();
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (!n) continue;
  const cf = node.callFrame;
  const key = `${cf.functionName || '(anonymous)'}  ${where(cf)}:${cf.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + n);
  const b = bucket(cf);
  byBucket.set(b, (byBucket.get(b) ?? 0) + n);
}

const fmt = (n) =>
  `${((n * usPerSample) / 1000).toFixed(1).padStart(8)} ms ${((100 * n) / samples.length).toFixed(1).padStart(5)}%`;
const scope = workloadOnly ? ' from the first workload call on' : '';
console.log(`${file}: ${(totalUs / 1000).toFixed(0)} ms profiled${scope}, ${samples.length} samples`);
console.log('\nself time by function:');
for (const [k, n] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(n)}  ${k}`);
console.log('\nself time by package / file:');
for (const [k, n] of [...byBucket].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${fmt(n)}  ${k}`);
