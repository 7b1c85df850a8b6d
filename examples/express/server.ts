/**
 * An HTTP service (node:http; the same pattern fits Express middleware) using podlog:
 * - one child logger per request (request id, method, route), passed to the handlers;
 * - one "request completed" record per request with status and duration;
 * - errors logged with their stack, and a 500 for the client;
 * - trace correlation: records inside a request carry its trace id and span id;
 * - graceful shutdown on SIGTERM/SIGINT: stop accepting, finish requests, flush logs, exit.
 *
 * Run: `podlog receive` in one terminal, `node --import tsx examples/express/server.ts` in another.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createLogger, type Logger } from 'podlog';
import { withRequestSpan } from './tracing.js';

const log = createLogger({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'orders-api', name: 'http' });

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
  params: Record<string, string>,
) => Promise<void>;

const orders = new Map<string, { id: string; item: string }>([['7', { id: '7', item: 'green tea' }]]);

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

const routes: Array<[method: string, pattern: RegExp, route: string, handler: Handler]> = [
  [
    'GET',
    /^\/orders\/(?<id>[^/]+)$/,
    '/orders/:id',
    async (_req, res, log, { id }) => {
      const order = orders.get(id);
      if (!order) {
        log.info('order not found', { orderId: id });
        return json(res, 404, { error: 'not found' });
      }
      json(res, 200, order);
    },
  ],
  [
    'POST',
    /^\/orders$/,
    '/orders',
    async (req, res, log) => {
      const body = await readJson(req);
      const order = { id: String(orders.size + 1), item: String(body.item ?? 'unknown') };
      orders.set(order.id, order);
      log.info('order created', { orderId: order.id, item: order.item });
      json(res, 201, order);
    },
  ],
  [
    'GET',
    /^\/boom$/,
    '/boom',
    async () => {
      throw new Error('inventory service unreachable');
    },
  ],
];

const server = createServer((req, res) => {
  const started = process.hrtime.bigint();
  const requestId = String(req.headers['x-request-id'] ?? randomUUID());
  const path = (req.url ?? '/').split('?')[0];
  const match = routes.find(([method, pattern]) => method === req.method && pattern.test(path));
  const route = match?.[2] ?? 'unmatched';
  // Everything this request logs carries these fields (and, inside withRequestSpan, its trace).
  const reqLog = log.child({ requestId, method: req.method, route });
  res.setHeader('x-request-id', requestId);

  withRequestSpan(req.headers.traceparent as string | undefined, () => {
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      reqLog[level]('request completed', { status: res.statusCode, durationMs });
    });
    if (!match) return json(res, 404, { error: 'no such route' });
    const params = match[1].exec(path)?.groups ?? {};
    match[3](req, res, reqLog, params).catch((err: Error) => {
      reqLog.error(err, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error', requestId });
    });
  });
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
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
