/**
 * podlog/http in a real Connect 3 app: no route templates; Connect strips the mount path from
 * `req.url` and keeps the original in `req.originalUrl`. Real OTLP receiver on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import connect from 'connect';
import { httpLogger } from 'podlog/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  baseUrl,
  closeServer,
  completions,
  hit,
  outcomes,
  SET_COOKIE,
  startBackend,
} from './harness.js';

let backend: Backend;
let server: Server | undefined;
beforeEach(async () => {
  backend = await startBackend('connect-app');
});
afterEach(async () => {
  await closeServer(server);
  server = undefined;
  await backend.close();
});

describe('podlog/http with a real Connect app', () => {
  async function listen(): Promise<string> {
    const log = backend.log;
    const logging = httpLogger({ logger: log });
    const app = connect();
    app.use(logging);
    app.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
      res.setHeader('set-cookie', SET_COOKIE);
      next();
    });
    // Mounted: Connect strips '/orders' from req.url here; req.originalUrl keeps it.
    app.use('/orders', (req: IncomingMessage, res: ServerResponse) => {
      log.info('loading order', { orderId: req.url?.split(/[/?]/)[1], headers: req.headers });
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    app.use('/boom', (_req: IncomingMessage, _res: ServerResponse, next: (err?: unknown) => void) => {
      setImmediate(() => next(new Error('inventory service unreachable')));
    });
    app.use(logging.errorHandler);
    app.use((_err: unknown, _req: IncomingMessage, res: ServerResponse, _next: unknown) => {
      res.statusCode = 500;
      res.end('internal');
    });
    server = createServer(app).listen(0, '127.0.0.1');
    await new Promise<void>((r) => server?.once('listening', r));
    return baseUrl(server);
  }

  it('mounted route, next(err) and 404: original path, ids, context, no route template, no secrets', async () => {
    const base = await listen();
    expect((await hit(base, '/orders/7', { 'x-request-id': 'req-7' })).status).toBe(200);
    const boom = await hit(base, '/boom', { 'x-request-id': 'req-boom' });
    expect(boom.status).toBe(500);
    expect(boom.headers.get('x-request-id')).toBe('req-boom');
    expect((await hit(base, '/nowhere', { 'x-request-id': 'req-404' })).status).toBe(404);

    const records = await backend.records();
    const done = completions(records);
    expect(outcomes(records)).toEqual([
      ['req-7', 'request completed', 'INFO', undefined, 200],
      ['req-boom', 'request errored', 'ERROR', undefined, 500],
      ['req-404', 'request completed', 'WARN', undefined, 404],
    ]);
    // The path the client asked for, not the one Connect left in req.url after the mount.
    expect(done[0].attributes['url.path']).toBe('/orders/7');
    expect(done[1].attributes['exception.message']).toBe('inventory service unreachable');
    expect(records.find((r) => r.body === 'loading order')?.attributes).toMatchObject({
      orderId: '7',
      'http.request.id': 'req-7',
    });
    backend.assertClean();
  });
});
