/**
 * Soak: mixed load against a flapping backend, the app SIGKILLed and restarted on the same
 * spool directory several times (one restart is a normal shutdown), then a healthy period and
 * a normal shutdown. Then checks:
 *
 * - every record at or before a settle point (`flush()` resolved: exported or written to the
 *   spool) of a killed process, and every record of a normally shut-down process, was
 *   delivered (2xx) — nothing is missing;
 * - duplicates only within the documented window: every repeated record came in a request
 *   whose `podlog-batch-id` was already delivered (a resend), so de-duplicating by batch id
 *   leaves none;
 * - `stats()` invariant held at every settle point in every process, and nothing was dropped
 *   (the flapping faults are all retryable);
 * - the heap of the long-running final process after a full GC ends within 10 % of its start
 *   (taken after a warm-up of a quarter of the healthy period: JIT code is not a leak).
 *
 *   node --import tsx bench/soak/soak.ts                 (long mode: 10 min, 8 kills)
 *   node --import tsx bench/soak/soak.ts --minutes 1 --kills 4
 *
 * The short mode runs under `npm test` (test/soak/soak-short.test.ts). Prints a markdown
 * summary; exits 1 when a check fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type FaultServer, type FlapPhase, startFaultServer } from '../../test/helpers/fault-server.js';

const APP = fileURLToPath(new URL('./app.ts', import.meta.url));

export interface SoakOptions {
  /** Time under flapping, split between the processes. */
  flappingMs: number;
  /** SIGKILLs during the flapping period (one more restart is a normal shutdown). */
  kills: number;
  /** Healthy period of the final process before its normal shutdown. */
  healthyMs: number;
  /** Records per round (between two settle points). */
  round?: number;
  log?: (line: string) => void;
}

interface Stats {
  accepted: number;
  recovered: number;
  exported: number;
  queued: number;
  spooled: number;
  dropped: { total: number } & Record<string, number>;
}

export interface ProcReport {
  proc: number;
  end: 'SIGKILL' | 'shutdown';
  logged: number;
  /** Records that must arrive: up to the last settle point (killed) or all (shut down). */
  required: number;
  last?: Stats;
  heapStart?: number;
  heapEnd?: number;
}

export interface SoakReport {
  durationMs: number;
  processes: ProcReport[];
  requests: number;
  recordsDelivered: number;
  required: number;
  missing: number;
  /** Records seen more than once (all resends of an already delivered batch id). */
  duplicates: number;
  /** Duplicates left after de-duplicating by batch id (must be 0). */
  duplicatesAfterDedup: number;
  invariantViolations: string[];
  drops: number;
  /** Final process: heap after GC at the end / at the start. */
  heapRatio: number | undefined;
  ok: boolean;
  failures: string[];
}

const FLAP: FlapPhase[] = [
  { ms: 1500, action: { status: 200 } },
  { ms: 900, action: 'refuse' },
  { ms: 700, action: { status: 503, headers: { 'retry-after': '0' } } },
  { ms: 600, action: { hang: true } },
  { ms: 800, action: { status: 200, delayMs: 40 } },
  { ms: 500, action: { reset: true } },
  { ms: 700, action: { status: 429 } },
  { ms: 600, action: { reset: true, afterBytes: 200 } },
];

function startApp(proc: number, endpoint: string, dir: string, round: number, heapWarmupMs = 0) {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', APP], {
    env: {
      ...process.env,
      ENDPOINT: endpoint,
      SPOOL_DIR: dir,
      PROC: String(proc),
      ROUND: String(round),
      HEAP_WARMUP_MS: String(heapWarmupMs),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const report: ProcReport = { proc, end: 'SIGKILL', logged: 0, required: 0 };
  const violations: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const [kind, a, b, c, d2] = line.split(' ');
      if (kind === 'S') {
        report.required = Number(b) + 1;
        report.logged = Math.max(report.logged, Number(b) + 1);
        report.last = JSON.parse(line.slice(line.indexOf('{')));
      } else if (kind === 'END') {
        report.end = 'shutdown';
        report.logged = report.required = Number(b) + 1;
        report.last = JSON.parse(d2 ?? c ?? '{}');
        report.last = JSON.parse(line.slice(line.indexOf('{')));
      } else if (kind === 'H') {
        if (a === 'start') report.heapStart = Number(b);
        else report.heapEnd = Number(b);
      } else if (kind === 'V') violations.push(`proc ${proc}: ${line.slice(2, 300)}`);
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, report, violations, exited };
}

/** Folds the server's requests into compact delivery counts (keeps the server's memory flat). */
function createLedger(server: FaultServer) {
  const seen = new Map<string, number>();
  const batches = new Set<string>();
  let duplicates = 0;
  let afterDedup = 0;
  let requests = 0;
  return {
    drain() {
      const reqs = server.requests.splice(0);
      requests += reqs.length;
      for (const req of reqs) {
        if (!('status' in req.action) || req.action.status < 200 || req.action.status >= 300) continue;
        const id = String(req.headers['podlog-batch-id'] ?? '');
        const resend = batches.has(id);
        batches.add(id);
        for (const rl of req.decoded?.resourceLogs ?? []) {
          for (const sl of rl.scopeLogs) {
            for (const r of sl.logRecords) {
              if (r.attributes.p === undefined) continue;
              const key = `${r.attributes.p}:${r.attributes.i}`;
              const n = seen.get(key) ?? 0;
              seen.set(key, n + 1);
              if (n > 0) {
                duplicates++;
                if (!resend) afterDedup++;
              }
            }
          }
        }
      }
    },
    has: (p: number, i: number) => seen.has(`${p}:${i}`),
    get size() {
      return seen.size;
    },
    get duplicates() {
      return duplicates;
    },
    get afterDedup() {
      return afterDedup;
    },
    get requests() {
      return requests;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const t0 = Date.now();
  const say = options.log ?? (() => {});
  const round = options.round ?? 40;
  const dir = mkdtempSync(join(tmpdir(), 'podlog-soak-'));
  const server = await startFaultServer();
  const ledger = createLedger(server);
  const ledgerTimer = setInterval(() => ledger.drain(), 200);
  const reports: ProcReport[] = [];
  const violations: string[] = [];
  let current: ChildProcess | undefined;
  try {
    server.flap(FLAP);
    const restarts = options.kills + 1;
    const slice = options.flappingMs / restarts;
    for (let p = 0; p < restarts; p++) {
      const app = startApp(p, server.endpoint, dir, round);
      current = app.child;
      // Jitter the kill time so it lands in different phases (writes, replays, retries).
      await sleep(slice * (0.6 + 0.8 * Math.random()));
      // The middle restart is a normal shutdown; the others are SIGKILLs.
      if (p === Math.floor(restarts / 2)) {
        app.child.stdin!.write('STOP\n');
        say(`proc ${p}: STOP (normal shutdown while flapping)`);
      } else {
        app.child.kill('SIGKILL');
        say(`proc ${p}: SIGKILL after ${app.report.logged} records`);
      }
      await app.exited;
      reports.push(app.report);
      violations.push(...app.violations);
    }
    await server.stopFlapping();
    // The heap check compares the end with a start taken after a quarter of the healthy period.
    const last = startApp(restarts, server.endpoint, dir, round, options.healthyMs / 4);
    current = last.child;
    say(`proc ${restarts}: healthy period ${options.healthyMs} ms`);
    await sleep(options.healthyMs);
    last.child.stdin!.write('STOP\n');
    await last.exited;
    reports.push(last.report);
    violations.push(...last.violations);
  } finally {
    current?.kill('SIGKILL');
    clearInterval(ledgerTimer);
    ledger.drain();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const failures: string[] = [];
  let missing = 0;
  let required = 0;
  let drops = 0;
  for (const r of reports) {
    required += r.required;
    for (let i = 0; i < r.required; i++) if (!ledger.has(r.proc, i)) missing++;
    if (!r.last) failures.push(`proc ${r.proc}: no settle point reported`);
    else {
      drops += r.last.dropped.total;
      const s = r.last;
      if (s.accepted + s.recovered !== s.exported + s.queued + s.spooled + s.dropped.total) {
        violations.push(`proc ${r.proc}: last stats ${JSON.stringify(s)}`);
      }
    }
  }
  const final = reports.at(-1);
  if (final?.end !== 'shutdown') failures.push('the final process did not shut down normally');
  const heapRatio =
    final?.heapStart && final.heapEnd !== undefined ? final.heapEnd / final.heapStart : undefined;
  if (missing > 0) failures.push(`${missing} required records missing`);
  if (ledger.afterDedup > 0) failures.push(`${ledger.afterDedup} duplicates outside a batch resend`);
  if (violations.length > 0) failures.push(`${violations.length} invariant violations`);
  if (drops > 0) failures.push(`${drops} records dropped`);
  if (heapRatio === undefined) failures.push('no heap figures from the final process');
  else if (heapRatio > 1.1) failures.push(`final heap ${(heapRatio * 100).toFixed(1)} % of start`);
  return {
    durationMs: Date.now() - t0,
    processes: reports,
    requests: ledger.requests,
    recordsDelivered: ledger.size,
    required,
    missing,
    duplicates: ledger.duplicates,
    duplicatesAfterDedup: ledger.afterDedup,
    invariantViolations: violations,
    drops,
    heapRatio,
    ok: failures.length === 0,
    failures,
  };
}

export function summary(r: SoakReport): string {
  const mb = (n?: number) => (n === undefined ? '–' : `${(n / 1048576).toFixed(1)} MiB`);
  const lines = [
    `| duration | processes (kills) | requests | records required | delivered | missing | duplicates (same batch id) | after dedup | drops | invariant violations | final heap end/start |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
    `| ${(r.durationMs / 1000).toFixed(0)} s | ${r.processes.length} (${r.processes.filter((p) => p.end === 'SIGKILL').length}) | ${r.requests} | ${r.required} | ${r.recordsDelivered} | ${r.missing} | ${r.duplicates} | ${r.duplicatesAfterDedup} | ${r.drops} | ${r.invariantViolations.length} | ${mb(r.processes.at(-1)?.heapEnd)} / ${mb(r.processes.at(-1)?.heapStart)} (${r.heapRatio === undefined ? '–' : `${(r.heapRatio * 100).toFixed(1)} %`}) |`,
  ];
  if (r.failures.length) lines.push('', `FAILED: ${r.failures.join('; ')}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { minutes: { type: 'string', default: '10' }, kills: { type: 'string', default: '8' } },
  });
  const total = Number(values.minutes) * 60_000;
  const report = await runSoak({
    flappingMs: total * 0.8,
    kills: Number(values.kills),
    healthyMs: total * 0.2,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${summary(report)}\n`);
  process.exit(report.ok ? 0 : 1);
}
