#!/usr/bin/env node
/**
 * Prints where a V8 CPU profile (from `npm run bench -- --cpu-prof DIR`) spent its time:
 * the top functions by self time, and the share per package / podlog source file.
 *
 *   node bench/lib/profile-top.mjs DIR/podlog-burst-1.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top.mjs FILE.cpuprofile [N]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node = samples hitting it × the mean sampling interval.
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const totalUs = profile.endTime - profile.startTime;
const usPerSample = totalUs / Math.max(1, profile.samples.length);

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
  `${((n * usPerSample) / 1000).toFixed(1).padStart(8)} ms ${((100 * n) / profile.samples.length).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(totalUs / 1000).toFixed(0)} ms profiled, ${profile.samples.length} samples`);
console.log('\nself time by function:');
for (const [k, n] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(n)}  ${k}`);
console.log('\nself time by package / file:');
for (const [k, n] of [...byBucket].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${fmt(n)}  ${k}`);
