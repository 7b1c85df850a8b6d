/**
 * The demo's outage app. With `DEMO_MODE=down` it logs a burst while the backend is unreachable:
 * retries run out, batches go to the spool on disk, and `shutdown()` leaves them there. With
 * `DEMO_MODE=up` a new process on the same spool directory recovers them and replays them,
 * oldest first, as soon as the backend answers.
 *
 * Env: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, PODLOG_SPOOL_DIR, DEMO_MODE, DEMO_COUNT.
 */
import { createLogger } from 'podlog';

const mode = process.env.DEMO_MODE ?? 'down';
const count = Number(process.env.DEMO_COUNT ?? 2000);

const log = createLogger({
  serviceName: 'demo-outage',
  // A short retry budget so the demo does not wait long before spooling.
  retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
  diagnostics: false,
});

if (mode === 'down') {
  for (let seq = 0; seq < count; seq++) log.info('order event', { seq, phase: 'outage' });
  await log.shutdown();
  const s = log.stats();
  console.log(
    `  app (backend down): accepted ${s.accepted}, exported ${s.exported}, spooled ${s.spooled}, dropped ${s.dropped.total}`,
  );
} else {
  log.info('backend is back', { phase: 'recovery' });
  // Wait (bounded) until the backlog left by the earlier process is replayed.
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const s = log.stats();
    if (s.recovered > 0 && s.spooled === 0 && s.queued === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await log.shutdown();
  const s = log.stats();
  console.log(
    `  app (backend up): recovered ${s.recovered} from the spool, exported ${s.exported}, dropped ${s.dropped.total}`,
  );
}
