/**
 * A Fastify 5 service using podlog:
 * - `loggerInstance: log`: Fastify's own logger is podlog (`request.log`, `app.log`), through
 *   podlog's pino-compatible surface;
 * - the `podlogFastify` plugin: the request context (every record logged while handling a
 *   request carries `http.request.id`, also those of code that never sees `request.log`), one
 *   completion record per request with the OpenTelemetry HTTP attributes, errors with stacks;
 * - `disableRequestLogging: true`: Fastify's own "incoming request" / "request completed"
 *   records would repeat the plugin's (and its 404 message carries the raw URL);
 * - `genReqId` from podlog/fastify: the caller's `x-request-id` if sane, else a UUID.
 *
 * Run: `podlog receive` in one terminal, `node --import tsx examples/fastify/server.ts` in another.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger } from 'podlog';
import { genReqId, podlogFastify } from 'podlog/fastify';

const log = createLogger({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'orders-api', name: 'http' });

// Fastify's types want pino's Logger type; podlog's logger has the surface Fastify uses.
const app = Fastify({
  loggerInstance: log as unknown as FastifyBaseLogger,
  disableRequestLogging: true,
  genReqId,
});
await app.register(podlogFastify, { logger: log });

const orders = new Map<string, { id: string; item: string }>([['7', { id: '7', item: 'green tea' }]]);

/** Code far from the route: no logger passed in, and its records still carry the request id. */
function reserveStock(item: string): void {
  log.debug('stock reserved', { item });
}

app.get<{ Params: { id: string } }>('/orders/:id', async (request, reply) => {
  const order = orders.get(request.params.id);
  if (!order) {
    request.log.info({ orderId: request.params.id }, 'order not found');
    return reply.code(404).send({ error: 'not found' });
  }
  return order;
});

app.post<{ Body: { item?: string } }>('/orders', async (request, reply) => {
  const order = { id: String(orders.size + 1), item: String(request.body?.item ?? 'unknown') };
  reserveStock(order.item);
  orders.set(order.id, order);
  log.info('order created', { orderId: order.id, item: order.item });
  return reply.code(201).header('set-cookie', 'session=a-session-secret; HttpOnly').send(order);
});

app.get('/boom', async () => {
  throw new Error('inventory service unreachable');
});

const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`listening on ${address}`);

// Graceful shutdown: stop taking requests, let running ones finish, flush logs, then exit.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    await app.close();
    await log.shutdown({ timeoutMs: 5_000 });
    process.exit(0);
  });
}
