#!/usr/bin/env node
/**
 * `npm run bench`: podlog against the peers, one workload, one receiver, one run, so the ratios
 * hold on a noisy machine. Prints a markdown report on stdout (progress goes to stderr).
 *
 *   node bench/run.mjs                 full run (≥ 5 repeats; budget < 10 min on 2 cores)
 *   node bench/run.mjs --quick         CI smoke run (< 1 min, 1 repeat, small workload)
 *
 * Options: --repeats N, --scenarios burst,steady,outage, --contenders a,b, --burst N, --rate N,
 * --seconds S (steady and outage length), --outage-mode 503|refuse, --no-micro, --build,
 * --out FILE (also write the markdown), --json FILE (raw results), --cpu-prof DIR (write a V8 CPU
 * profile of every podlog run into DIR, for `--cpu-prof`-style digging into a missed target).
 * podlog is measured from a build (what users get): `dist/` by default (`npm run build` first),
 * --build builds the working tree into a temp dir, --commit REF builds exactly that commit into a
 * temp dir (what bench/RESULTS.md should report). Neither touches the shared dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCommit, buildWorkingTree } from './lib/build-commit.mjs';
import { MICRO_SCRIPTS, runMicro } from './lib/micro.mjs';
import { startReceiverProcess } from './lib/receiver-client.mjs';
import { runContender } from './lib/run-contender.mjs';
import { ownStatsLine, ratioTable, scenarioTable, targetLines } from './lib/table.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    repeats: { type: 'string' },
    scenarios: { type: 'string' },
    contenders: { type: 'string' },
    burst: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    'outage-mode': { type: 'string', default: '503' },
    'no-micro': { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    out: { type: 'string' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
    commit: { type: 'string' },
  },
});

function usage(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const quick = args.quick;
const num = (v, fallback) => (v === undefined ? fallback : Number(v));
const settings = {
  repeats: num(args.repeats, quick ? 1 : 5),
  burst: num(args.burst, quick ? 10_000 : 100_000),
  rate: num(args.rate, 20_000),
  seconds: num(args.seconds, quick ? 1 : 8),
  outageMode: args['outage-mode'],
  eldResolutionMs: 1,
};
for (const key of ['repeats', 'burst', 'rate', 'seconds']) {
  if (!(settings[key] > 0)) usage(`--${key} must be a positive number, got ${settings[key]}`);
}
if (!['503', 'refuse'].includes(settings.outageMode)) {
  usage(`--outage-mode must be 503 or refuse, got ${settings.outageMode}`);
}

const CONTENDERS = [
  { name: 'podlog', module: 'podlog' },
  { name: 'otel-sdk-default', module: 'otel-sdk' },
  // "Tuned": the queue holds the whole burst and the whole outage backlog.
  {
    name: 'otel-sdk-tuned',
    module: 'otel-sdk',
    queueSize: Math.max(settings.burst, Math.ceil((settings.rate * settings.seconds) / 2)),
  },
  { name: 'pino-otel-transport', module: 'pino' },
  { name: 'pino-podlog', module: 'pino-podlog' },
  { name: 'winston-otel-transport', module: 'winston' },
  // The floor (Node + the harness, no logging): burst only, where it costs a second per repeat.
  { name: 'baseline (no logging)', module: 'baseline', only: ['burst'], reference: true },
];
const SCENARIOS = [
  { name: 'burst', records: settings.burst, shutdownDeadlineMs: quick ? 10_000 : 20_000 },
  { name: 'steady', rate: settings.rate, seconds: settings.seconds, shutdownDeadlineMs: 10_000 },
  {
    name: 'outage',
    rate: settings.rate,
    seconds: settings.seconds,
    outageMode: settings.outageMode,
    shutdownDeadlineMs: quick ? 10_000 : 15_000,
  },
];

const pick = (all, list) => {
  if (!list) return all;
  const names = list.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !all.some((x) => x.name === n));
  if (unknown.length) usage(`unknown: ${unknown.join(', ')}; known: ${all.map((x) => x.name).join(', ')}`);
  return all.filter((x) => names.includes(x.name));
};
const contenders = pick(CONTENDERS, args.contenders);
const scenarios = pick(SCENARIOS, args.scenarios);

const log = (line) => process.stderr.write(`${line}\n`);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Which podlog build to measure, and how to name it in the report. */
function podlogBuild() {
  if (args.commit) {
    const { sha, dist } = buildCommit(ROOT, args.commit, log);
    return { dist, label: `${sha.slice(0, 12)} (built from that commit alone)` };
  }
  if (args.build) {
    const { dist, dir } = buildWorkingTree(ROOT, log);
    return { dist, cleanup: dir, label: `${workingTreeCommit()} (working tree, built for this run)` };
  }
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'index.js'))) {
    if (contenders.some((c) => c.module === 'podlog' || c.module === 'pino-podlog')) {
      usage('dist/index.js is missing: run `npm run build` first (or pass --build or --commit HEAD)');
    }
  } else if (newestMtime(join(ROOT, 'src')) > statSync(join(dist, 'index.js')).mtimeMs) {
    log('warning: src/ is newer than dist/: measuring the last build (pass --build to rebuild)');
  }
  return { dist, label: `${workingTreeCommit()} (working-tree dist/)` };
}

function workingTreeCommit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT })
      .toString()
      .trim();
    return dirty ? `${sha} + uncommitted src/ changes` : sha;
  } catch {
    return 'unknown';
  }
}

function fmtRun(r) {
  if (!r.ok) return `FAILED: ${r.error.split('\n')[0]}`;
  const f = (x, d) => (x === null ? '–' : x.toFixed(d));
  return (
    `${r.delivered}/${r.sent} wall ${f(r.wallS, 2)}s cpu ${f(r.cpuS, 2)}s rss ${f(r.peakRssMb, 0)}MB ` +
    `eld p99 ${f(r.eldP99, 2)}ms max ${f(r.eldMax, 1)}ms${r.shutdown === 'done' ? '' : ` shutdown:${r.shutdown}`}`
  );
}

async function main() {
  const started = performance.now();
  const podlog = podlogBuild();
  const receiver = await startReceiverProcess();
  /** @type {Map<string, Map<string, any[]>>} */
  const results = new Map();
  try {
    for (const scenario of scenarios) {
      const here = contenders.filter((c) => !c.only || c.only.includes(scenario.name));
      const byContender = new Map(here.map((c) => [c.name, []]));
      results.set(scenario.name, byContender);
      for (let rep = 0; rep < settings.repeats; rep++) {
        // Rotate the order so no contender always runs first (cold caches) or last.
        const order = here.map((_, i) => here[(i + rep) % here.length]);
        for (const contender of order) {
          const profile = args['cpu-prof'] && contender.name === 'podlog';
          const r = await runContender({
            receiver,
            contender,
            scenario,
            eldResolutionMs: settings.eldResolutionMs,
            podlogDist: podlog.dist,
            execArgv: profile
              ? [
                  '--cpu-prof',
                  `--cpu-prof-dir=${args['cpu-prof']}`,
                  `--cpu-prof-name=podlog-${scenario.name}-${rep + 1}.cpuprofile`,
                ]
              : [],
          });
          byContender.get(contender.name).push(r);
          log(`[${scenario.name} ${rep + 1}/${settings.repeats}] ${contender.name}: ${fmtRun(r)}`);
        }
      }
    }
  } finally {
    await receiver.close();
    if (podlog.cleanup) rmSync(podlog.cleanup, { recursive: true, force: true });
  }

  const micro = [];
  if (!args['no-micro']) {
    for (const script of MICRO_SCRIPTS) {
      const m = await runMicro(script, { quick, timeoutMs: quick ? 20_000 : 120_000 });
      log(
        `[micro] ${script.file}: ${m.status}${m.status === 'missing' ? '' : ` in ${m.seconds.toFixed(1)}s`}`,
      );
      micro.push(m);
    }
  }

  const totalS = (performance.now() - started) / 1000;
  if (!quick && totalS > 600) log(`warning: the run took ${totalS.toFixed(0)} s, over the 10-minute budget`);
  const report = render(results, micro, totalS, podlog);
  process.stdout.write(`${report}\n`);
  if (args.out) writeFileSync(args.out, `${report}\n`);
  if (args.json) {
    const raw = {
      settings,
      contenders,
      scenarios,
      results: Object.fromEntries([...results].map(([s, m]) => [s, Object.fromEntries(m)])),
      micro,
      totalS,
    };
    writeFileSync(args.json, `${JSON.stringify(raw, null, 2)}\n`);
  }
}

function render(results, micro, totalS, podlog) {
  const references = new Set(CONTENDERS.filter((c) => c.reference).map((c) => c.name));
  const cpu = cpus();
  const out = [];
  out.push(`# podlog benchmark${quick ? ' (--quick: smoke run, not for comparison)' : ''}`, '');
  out.push(
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model?.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `- Node ${process.version} (${process.platform}/${process.arch}); podlog ${podlog.label}`,
    `- Workload: burst ${settings.burst.toLocaleString('en-US')} info calls × 5 fields; steady ${settings.rate.toLocaleString('en-US')} records/s for ${settings.seconds} s; outage = steady with the receiver answering ${settings.outageMode === '503' ? '503' : 'connection refused'} for the first ${settings.seconds / 2} s`,
    `- ${settings.repeats} repeat(s) per contender and scenario, contender order rotated each repeat; cells are median (min–max); ELD = event-loop delay in the app (monitorEventLoopDelay, ${settings.eldResolutionMs} ms resolution, resolution subtracted), measured from the first call until shutdown resolved`,
    `- Total harness time: ${totalS.toFixed(0)} s`,
    '',
  );
  for (const [scenario, byContender] of results) {
    out.push(`## ${scenario}`, '', scenarioTable(byContender, references), '');
    const ratios = ratioTable(byContender, references);
    if (ratios) out.push(ratios, '');
    const own = byContender.has('podlog') ? ownStatsLine(byContender.get('podlog')) : '';
    if (own) out.push(own, '');
  }
  const targets = targetLines(results);
  // The micro-benchmarks judge their own targets; repeat their verdict lines here.
  for (const m of micro) {
    for (const line of m.output.split('\n')) {
      if (/target/i.test(line)) targets.push(`- ${m.file}: ${line.replace(/^[-#*\s]+/, '').trim()}`);
    }
  }
  if (targets.length) out.push('## Targets (medians of this run)', '', ...targets, '');
  if (micro.length) {
    out.push('## Micro-benchmarks', '');
    for (const m of micro) {
      const how = m.args.length ? ` ${m.args.join(' ')}` : '';
      if (m.status === 'missing') {
        out.push(`### ${m.file}: not present yet (${m.what})`, '');
        continue;
      }
      out.push(`### ${m.file}${how}: ${m.status} in ${m.seconds.toFixed(1)} s (${m.what})`, '');
      out.push('```', m.output || '(no output)', '```', '');
    }
  }
  return out.join('\n').trimEnd();
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
