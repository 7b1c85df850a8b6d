/**
 * Tail buffering: run at `info`, and still get the `debug` lines of the requests that fail.
 *
 * Each request's debug records are held in a small buffer (`tail` option). A request that
 * fails (here: a thrown error, a 5xx, or slower than 250 ms) has them written, in order and
 * with their original times, before its `request errored` record; a request that succeeds has
 * them thrown away (counted in `log.stats().tail.discarded`).
 *
 * Run: `podlog receive` in one terminal, `node --import tsx examples/tail/server.ts` in another,
 * then `curl localhost:3000/orders/7` (no debug lines arrive) and `curl localhost:3000/orders/13`
 * (fails: its debug trail arrives before the error).
 */
import { createServer } from 'node:http';
import { createLogger } from 'podlog';
import { httpLogger } from 'podlog/http';

const log = createLogger({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'orders-api',
  level: 'info',
  tail: { level: 'debug', maxRecords: 100, slowMs: 250 },
});
const logging = httpLogger({ logger: log });

/** A pretend data layer that logs at debug, as libraries do. */
async function loadOrder(id: string): Promise<{ id: string; total: number }> {
  log.debug('cache lookup', { key: `order:${id}`, hit: false });
  await new Promise((r) => setTimeout(r, 2));
  log.debug('db query', { sql: 'select * from orders where id = $1', rows: 1 });
  if (id === '13') throw new Error(`payment provider timed out for order ${id}`);
  return { id, total: 42.5 };
}

const server = createServer(
  logging.wrap(async (req, res) => {
    const match = /^\/orders\/(\d+)$/.exec(req.url ?? '');
    if (match === null) {
      res.statusCode = 404;
      res.end();
      return;
    }
    log.debug('route matched', { route: '/orders/:id' });
    // A throw here becomes a 500 and a `request errored` record with the stack (podlog/http).
    const order = await loadOrder(match[1] as string);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(order));
  }),
);

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening on http://127.0.0.1:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await log.shutdown({ timeoutMs: 5_000 });
      const { tail } = log.stats();
      console.log(`tail: ${JSON.stringify(tail)}`);
      process.exit(0);
    });
    server.closeIdleConnections();
  });
}
