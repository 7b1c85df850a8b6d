import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import express4 from 'express4';
import { httpLogger, requestLoggerOf } from 'podlog/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  baseUrl,
  closeServer,
  completions,
  expectHandlerRecordsInContext,
  hit,
  outcomes,
  SET_COOKIE,
  startBackend,
} from './harness.js';

/**
 * The same app on Express 5 and Express 4. `/boom` fails the way each version supports for
 * async work: Express 5 catches a rejected promise from an `async` route; Express 4 does not,
 * so there the route hands the error to `next(err)`.
 */
describe.each([
  { name: 'Express 5', makeApp: express, asyncErrors: true },
  { name: 'Express 4', makeApp: express4, asyncErrors: false },
])('podlog/http with a real $name app (real OTLP receiver)', ({ makeApp, asyncErrors }) => {
  let backend: Backend;
  let server: Server | undefined;
  beforeEach(async () => {
    backend = await startBackend('express-app');
  });
  afterEach(async () => {
    await closeServer(server);
    server = undefined;
    await backend.close();
  });

  async function listen(withErrorHandler: boolean): Promise<string> {
    const log = backend.log;
    const logging = httpLogger({ logger: log });
    const app = makeApp();
    app.use(logging);
    app.use(makeApp.json());
    app.use((_req, res, next) => {
      res.setHeader('set-cookie', SET_COOKIE);
      next();
    });
    const orders = makeApp.Router();
    orders.get('/:id', (req, res) => {
      setTimeout(() => {
        log.info('loading order', { orderId: req.params.id, headers: req.headers });
        res.json({ id: req.params.id });
      }, 1);
    });
    orders.post('/', (req, res) => {
      requestLoggerOf(req)?.info('order created', { item: req.body.item });
      res.status(201).json({ ok: true });
    });
    app.use('/orders', orders);
    if (asyncErrors) {
      app.get('/boom', async () => {
        await new Promise((r) => setImmediate(r));
        throw new Error('inventory service unreachable');
      });
    } else {
      app.get('/boom', (_req, _res, next) => {
        setImmediate(() => next(new Error('inventory service unreachable')));
      });
    }
    app.get('/throws', () => {
      throw new Error('sync failure');
    });
    if (withErrorHandler) app.use(logging.errorHandler);
    app.use((_err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ error: 'internal' });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server?.once('listening', r));
    return baseUrl(server as Server);
  }

  it('normal, failing, sync throw, 404 and a JSON POST: routes, ids, context, stacks, no secrets', async () => {
    const base = await listen(true);
    expect((await hit(base, '/orders/7', { 'x-request-id': 'req-7' })).status).toBe(200);
    const boom = await hit(base, '/boom', { 'x-request-id': 'req-boom' });
    expect(boom.status).toBe(500);
    expect(boom.headers.get('x-request-id')).toBe('req-boom');
    expect((await hit(base, '/throws', { 'x-request-id': 'req-throws' })).status).toBe(500);
    expect((await hit(base, '/nowhere', { 'x-request-id': 'req-404' })).status).toBe(404);
    const post = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'req-post',
        authorization: 'Bearer sk-live-AUTHZ-7c1e55aa',
      },
      body: JSON.stringify({ item: 'blue mug' }),
    });
    expect(post.status).toBe(201);

    const records = await backend.records();
    const done = completions(records);
    expect(outcomes(records)).toEqual([
      ['req-7', 'request completed', 'INFO', '/orders/:id', 200],
      ['req-boom', 'request errored', 'ERROR', '/boom', 500],
      ['req-throws', 'request errored', 'ERROR', '/throws', 500],
      ['req-404', 'request completed', 'WARN', undefined, 404],
      // Express's own route: baseUrl + route.path (router.post('/') mounted at /orders).
      ['req-post', 'request completed', 'INFO', '/orders/', 201],
    ]);
    expect(done[0].attributes['url.path']).toBe('/orders/7');
    expect(done[1].attributes['exception.message']).toBe('inventory service unreachable');
    expect(String(done[1].attributes['exception.stacktrace'])).toContain('express.test.ts');
    expect(done[2].attributes['exception.message']).toBe('sync failure');
    // Also after express.json() parsed the body (and through req.log's binding).
    expectHandlerRecordsInContext(records);
    backend.assertClean();
  });

  it('without the error middleware, a failing route still gets an error record (status 500, no stack)', async () => {
    const base = await listen(false);
    expect((await hit(base, '/boom', { 'x-request-id': 'req-b' })).status).toBe(500);
    const [done] = completions(await backend.records());
    expect(done).toMatchObject({ body: 'request errored', severityText: 'ERROR' });
    expect(done.attributes['error.type']).toBe('500');
    expect(done.attributes['exception.message']).toBeUndefined();
    backend.assertClean();
  });
});
