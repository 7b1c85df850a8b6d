/**
 * An HTTP service running the OpenTelemetry SDK (traces, instrumentation-http,
 * instrumentation-pino) with podlog as the one log pipeline: pino's records and podlog's own
 * arrive with one resource and the request span's trace id.
 *
 * Run: `podlog receive` in one terminal, then
 * `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://127.0.0.1:4318/v1/logs node --import tsx --import ./examples/otel-sdk/instrumentation.ts examples/otel-sdk/server.ts`
 */
import { createServer } from 'node:http';
import pino from 'pino';
import { log, shutdownTelemetry } from './instrumentation.js';

// A library or legacy module logging with pino: instrumentation-pino sends its records to the
// SDK, and the SDK to podlog. Its level (debug) decides what it sends; podlog's level does not
// filter bridged records (docs/otel-sdk.md, "Levels").
const legacy = pino({ name: 'inventory', level: 'debug' }, pino.destination({ dest: 2, sync: true }));

const server = createServer((req, res) => {
  if (req.url === '/stock/7') {
    legacy.debug({ sku: 7 }, 'stock lookup');
    log.info('stock served', { sku: 7 });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"sku":7,"count":3}');
    return;
  }
  log.warn('no such route', { url: req.url });
  res.writeHead(404).end();
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening on http://127.0.0.1:${port}`);
});

async function stop(): Promise<void> {
  log.info('shutting down');
  server.close();
  await shutdownTelemetry();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
