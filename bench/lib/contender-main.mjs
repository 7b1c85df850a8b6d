/**
 * Child-process entry for one contender × scenario run. Started by lib/run-contender.mjs with
 * fork(); argv[2] is the JSON run spec. Reports over IPC:
 *   { type: 'start', t0 }  right before the first log call (the harness times the outage from it)
 *   { type: 'result', ... } after shutdown (or its deadline), then exits.
 *
 * CPU is counted from just before the first call, after the contender finished starting (module
 * loading and, for pino, its worker thread start-up are not the logging cost being compared).
 * CPU is process-wide, so worker threads (pino's transport) are included. Peak RSS is the
 * process's lifetime peak (`maxRSS`).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { nowMs } from './clock.mjs';
import { runBurst, runSteady } from './workload.mjs';

const spec = JSON.parse(process.argv[2]);

function send(msg) {
  return new Promise((resolve) => process.send(msg, () => resolve()));
}

function eldSummary(h, resolutionMs) {
  // The histogram records the interval between timer wake-ups, i.e. resolution + delay.
  const delay = (ns) => Math.max(0, ns / 1e6 - resolutionMs);
  if (h.count === 0) return { p50: null, p99: null, max: null, samples: 0 };
  return {
    p50: delay(h.percentile(50)),
    p99: delay(h.percentile(99)),
    max: delay(h.max),
    samples: h.count,
  };
}

async function main() {
  const { create } = await import(new URL(`../contenders/${spec.contender}.mjs`, import.meta.url).href);
  const logger = await create({
    endpoint: spec.endpoint,
    serviceName: `bench-${spec.contender}`,
    queueSize: spec.queueSize,
    podlogDist: spec.podlogDist,
  });

  const eld = monitorEventLoopDelay({ resolution: spec.eldResolutionMs });
  eld.enable();
  // The histogram's first wake-up only starts its clock; let it tick before the first call so a
  // synchronous burst right after is recorded as the delay it causes. Then drop those samples.
  await new Promise((resolve) => setTimeout(resolve, 5 * spec.eldResolutionMs));
  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  await send({ type: 'start', t0 });
  eld.reset();

  let sent;
  if (spec.scenario === 'burst') sent = runBurst(logger, spec.records);
  else sent = await runSteady(logger, { rate: spec.rate, seconds: spec.seconds, now: nowMs });
  const tCallsEnd = nowMs();

  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve('deadline'), spec.shutdownDeadlineMs);
  });
  let shutdownError = null;
  const outcome = await Promise.race([
    logger.shutdown().then(
      () => 'done',
      (err) => {
        shutdownError = String(err?.message ?? err);
        return 'error';
      },
    ),
    deadline,
  ]);
  clearTimeout(timer);
  const tShutdownEnd = nowMs();
  // Let the delay timer fire once more, so a stretch that blocked the loop up to here (a
  // synchronous shutdown, like pino's end()) is recorded rather than lost.
  await new Promise((resolve) => setTimeout(resolve, 2 * spec.eldResolutionMs));
  eld.disable();
  const cpu = process.cpuUsage(cpu0);

  await send({
    type: 'result',
    sent,
    t0,
    tCallsEnd,
    tShutdownEnd,
    shutdown: outcome,
    shutdownError,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    eld: eldSummary(eld, spec.eldResolutionMs),
    own: logger.stats?.() ?? null,
  });
  // Deliberately not waiting for stragglers (timers, sockets, worker threads) to wind down.
  process.exit(0);
}

main().catch(async (err) => {
  await send({ type: 'error', error: String(err?.stack ?? err) });
  process.exit(1);
});
