/**
 * An Express 5 service using podlog and podlog/http:
 * - `httpLogger` first: a request id per request (the caller's `x-request-id`, else a UUID;
 *   echoed on the response), and every record logged while handling the request carries it
 *   (`http.request.id`), whoever logs: no child logger to pass around;
 * - one "request completed" / "request errored" record per request with the OpenTelemetry
 *   HTTP attributes (method, path, route, status, client, user agent, duration in seconds);
 *   secret headers (Authorization, Cookie, Set-Cookie) and secret-looking query values censored;
 * - `logging.errorHandler` after the routes: the completion record carries the error's stack;
 * - trace correlation: records inside a request carry its trace id and span id;
 * - graceful shutdown on SIGTERM/SIGINT: stop accepting, finish requests, flush logs, exit.
 *
 * Run: `podlog receive` in one terminal, `node --import tsx examples/express/server.ts` in another.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { createLogger } from 'podlog';
import { httpLogger, requestIdOf } from 'podlog/http';
import { withRequestSpan } from './tracing.js';

const log = createLogger({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'orders-api', name: 'http' });
const logging = httpLogger({ logger: log, autoLogging: { ignore: (req) => req.url === '/healthz' } });

const orders = new Map<string, { id: string; item: string }>([['7', { id: '7', item: 'green tea' }]]);

const app = express();
app.use(logging);
// Stand-in for the OpenTelemetry SDK's HTTP instrumentation: a span per request.
app.use((req, _res, next) => withRequestSpan(req.headers.traceparent as string | undefined, next));
app.use(express.json());

app.get('/healthz', (_req, res) => {
  res.send('ok');
});

app.get('/orders/:id', (req, res) => {
  const order = orders.get(req.params.id);
  if (!order) {
    log.info('order not found', { orderId: req.params.id });
    res.status(404).json({ error: 'not found' });
    return;
  }
  res.json(order);
});

app.post('/orders', (req, res) => {
  const order = { id: String(orders.size + 1), item: String(req.body?.item ?? 'unknown') };
  orders.set(order.id, order);
  log.info('order created', { orderId: order.id, item: order.item });
  res.cookie('session', 'a-session-secret', { httpOnly: true }).status(201).json(order);
});

app.get('/boom', async () => {
  throw new Error('inventory service unreachable');
});

// After the routes: the request's completion record gets the error (with its stack) …
app.use(logging.errorHandler);
// … and the client a 500 that names the request id, for support tickets.
app.use((_err: unknown, req: Request, res: Response, _next: NextFunction) => {
  res.status(500).json({ error: 'internal error', requestId: requestIdOf(req) });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  log.info('listening', { port });
  console.log(`listening on http://127.0.0.1:${port}`);
});

// Graceful shutdown: stop taking requests, let running ones finish, flush logs, then exit.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    server.close(async () => {
      await log.shutdown({ timeoutMs: 5_000 });
      process.exit(0);
    });
    server.closeIdleConnections();
  });
}
