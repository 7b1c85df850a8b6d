/**
 * podlog/http in the two older hosts the docs name besides Express 5: Express 4 (which does not
 * catch a rejected promise from an async route, so errors reach it by `next(err)` or a sync
 * throw) and Connect (no route templates; it strips the mount path from `req.url` and keeps
 * the original in `req.originalUrl`). Real apps, real OTLP receiver on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import connect from 'connect';
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

let backend: Backend;
let server: Server | undefined;
beforeEach(async () => {
  backend = await startBackend('old-hosts');
});
afterEach(async () => {
  await closeServer(server);
  server = undefined;
  await backend.close();
});

async function listenOn(s: Server): Promise<string> {
  server = s;
  s.listen(0, '127.0.0.1');
  await new Promise<void>((r) => s.once('listening', r));
  return baseUrl(s);
}

function postOrder(base: string): Promise<Response> {
  return fetch(`${base}/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': 'req-post',
      authorization: 'Bearer sk-live-AUTHZ-7c1e55aa',
    },
    body: JSON.stringify({ item: 'blue mug' }),
  });
}

describe('podlog/http with a real Express 4 app', () => {
  async function listen(withErrorHandler: boolean): Promise<string> {
    const log = backend.log;
    const logging = httpLogger({ logger: log });
    const app = express4();
    app.use(logging);
    app.use(express4.json());
    app.use((_req, res, next) => {
      res.setHeader('set-cookie', SET_COOKIE);
      next();
    });
    const orders = express4.Router();
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
    // Express 4's way for async work: hand the error to next().
    app.get('/boom', (_req, _res, next) => {
      setImmediate(() => next(new Error('inventory service unreachable')));
    });
    app.get('/throws', () => {
      throw new Error('sync failure');
    });
    if (withErrorHandler) app.use(logging.errorHandler);
    app.use(
      (
        _err: unknown,
        _req: IncomingMessage,
        res: ServerResponse & { status(n: number): { json(v: unknown): void } },
        _next: unknown,
      ) => {
        res.status(500).json({ error: 'internal' });
      },
    );
    return listenOn(createServer(app));
  }

  it('normal, next(err), sync throw, 404 and a JSON POST: routes, ids, context, stacks, no secrets', async () => {
    const base = await listen(true);
    expect((await hit(base, '/orders/7', { 'x-request-id': 'req-7' })).status).toBe(200);
    const boom = await hit(base, '/boom', { 'x-request-id': 'req-boom' });
    expect(boom.status).toBe(500);
    expect(boom.headers.get('x-request-id')).toBe('req-boom');
    expect((await hit(base, '/throws', { 'x-request-id': 'req-throws' })).status).toBe(500);
    expect((await hit(base, '/nowhere', { 'x-request-id': 'req-404' })).status).toBe(404);
    expect((await postOrder(base)).status).toBe(201);

    const records = await backend.records();
    const done = completions(records);
    expect(outcomes(records)).toEqual([
      ['req-7', 'request completed', 'INFO', '/orders/:id', 200],
      ['req-boom', 'request errored', 'ERROR', '/boom', 500],
      ['req-throws', 'request errored', 'ERROR', '/throws', 500],
      ['req-404', 'request completed', 'WARN', undefined, 404],
      ['req-post', 'request completed', 'INFO', '/orders/', 201],
    ]);
    expect(done[0].attributes['url.path']).toBe('/orders/7');
    expect(done[1].attributes['exception.message']).toBe('inventory service unreachable');
    expect(String(done[1].attributes['exception.stacktrace'])).toContain('express4-connect.test.ts');
    expect(done[2].attributes['exception.message']).toBe('sync failure');
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
    return listenOn(createServer(app));
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
