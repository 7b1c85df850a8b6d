/**
 * Runs one contender × scenario in a fresh child process against the shared receiver and turns
 * what the child and the receiver saw into one measurement.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./contender-main.mjs', import.meta.url));

/**
 * Every contender runs at the configuration written in its module: no OTEL_* or PODLOG_* from
 * the caller's shell may turn on a spool, gzip, another endpoint or a different queue.
 */
function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('OTEL_') && !k.startsWith('PODLOG_')) env[k] = v;
  }
  return env;
}

/**
 * @param {object} o
 * @param {{ reset(): Promise<void>, stats(): Promise<any>, setMode(m: string): Promise<void>, endpoint: string }} o.receiver
 * @param {{ name: string, module: string, queueSize?: number }} o.contender
 * @param {{ name: 'burst' | 'steady' | 'outage', records?: number, rate?: number, seconds?: number,
 *   outageMode?: '503' | 'refuse', shutdownDeadlineMs: number }} o.scenario
 * @param {number} o.eldResolutionMs
 * @param {string} o.podlogDist the dist/ directory podlog is imported from
 * @param {string[]} [o.execArgv] Node flags for the child (e.g. --cpu-prof)
 */
export async function runContender({
  receiver,
  contender,
  scenario,
  eldResolutionMs,
  podlogDist,
  execArgv = [],
}) {
  await receiver.reset();
  const outage = scenario.name === 'outage';
  await receiver.setMode(outage ? scenario.outageMode : 'up');

  const spec = {
    contender: contender.module,
    queueSize: contender.queueSize,
    scenario: scenario.name === 'burst' ? 'burst' : 'steady',
    records: scenario.records,
    rate: scenario.rate,
    seconds: scenario.seconds,
    endpoint: receiver.endpoint,
    shutdownDeadlineMs: scenario.shutdownDeadlineMs,
    eldResolutionMs,
    podlogDist,
  };
  const child = fork(MAIN, [JSON.stringify(spec)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv,
    env: cleanEnv(),
  });
  let stderr = '';
  child.stderr.on('data', (c) => {
    if (stderr.length < 4000) stderr += c;
  });

  let result = null;
  let error = null;
  let upTimer = null;
  const upDone = [];
  child.on('message', (msg) => {
    if (msg.type === 'start' && outage) {
      // The backend comes back half-way through the calls.
      const halfMs = (scenario.seconds * 1000) / 2;
      upTimer = setTimeout(() => upDone.push(receiver.setMode('up')), halfMs);
    } else if (msg.type === 'result') result = msg;
    else if (msg.type === 'error') error = msg.error;
  });

  // Hard stop in case the child wedges (its own shutdown deadline should fire first).
  const hardMs =
    (scenario.name === 'burst' ? 0 : scenario.seconds * 1000) + scenario.shutdownDeadlineMs + 30_000;
  const killer = setTimeout(() => child.kill('SIGKILL'), hardMs);
  const exitCode = await new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  clearTimeout(killer);
  clearTimeout(upTimer);
  await Promise.all(upDone);
  if (outage) await receiver.setMode('up');
  const seen = await receiver.stats();

  if (!result) {
    return {
      ok: false,
      error: error ?? `child exited (${exitCode}) without a result${stderr ? `: ${stderr.trim()}` : ''}`,
      delivered: seen.records,
    };
  }
  return {
    ok: true,
    sent: result.sent,
    delivered: seen.records,
    wallS: seen.lastAt === null ? null : (seen.lastAt - result.t0) / 1000,
    tailS: seen.lastAt === null ? null : (seen.lastAt - result.tCallsEnd) / 1000,
    callsS: (result.tCallsEnd - result.t0) / 1000,
    shutdownS: (result.tShutdownEnd - result.tCallsEnd) / 1000,
    shutdown: result.shutdown,
    cpuS: result.cpuMs / 1000,
    peakRssMb: result.peakRssMb,
    eldP50: result.eld.p50,
    eldP99: result.eld.p99,
    eldMax: result.eld.max,
    requests: seen.requests,
    rejected: seen.rejected,
    malformed: seen.malformed,
    own: result.own,
  };
}
