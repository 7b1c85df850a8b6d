import { createServer, type Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { createLogger, type LoggerOptions } from 'podlog';
import { genReqId, podlogFastify } from 'podlog/fastify';
import { httpLogger } from 'podlog/http';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.js';
import { type Backend, baseUrl, closeServer, startBackend } from './harness.js';

const ID = 'http.request.id';
const tick = () => new Promise((r) => setImmediate(r));

describe('podlog/http with tail buffering (real server, real OTLP receiver)', () => {
  let backend: Backend | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await closeServer(server);
    await backend?.close();
    server = backend = undefined;
  });

  /** A backend whose logger holds debug records per request (`tail`), without diagnostics. */
  async function tailBackend(serviceName: string, options: LoggerOptions): Promise<Backend> {
    backend = await startBackend(serviceName, { diagnostics: false, ...options });
    return backend;
  }

  async function start(tailOption?: boolean | { slowMs?: number }): Promise<string> {
    const { log: logger } = await tailBackend('tail-http', {
      level: 'info',
      tail: { level: 'debug', slowMs: 10_000 },
    });
    const logging = httpLogger({ logger, ...(tailOption === undefined ? {} : { tail: tailOption }) });
    server = createServer(
      logging.wrap(async (req, res) => {
        const path = req.url ?? '';
        logger.debug('route matched', { path });
        await tick();
        logger.debug('loaded order', { orderId: 7 });
        if (path === '/ok') res.end('ok');
        else if (path === '/throw') throw new Error('inventory service unreachable');
        else if (path === '/503') {
          res.statusCode = 503;
          res.end();
        } else if (path === '/slow') {
          await new Promise((r) => setTimeout(r, 80));
          res.end('slow');
        } else res.end();
      }),
    );
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return baseUrl(server as Server);
  }

  const get = async (base: string, path: string, id: string) => {
    const res = await fetch(`${base}${path}`, { headers: { 'x-request-id': id } });
    await res.arrayBuffer();
    return res.status;
  };

  it('a thrown error and a 5xx carry their debug trail before the completion record; a 200 does not', async () => {
    const base = await start();
    expect(await get(base, '/ok', 'ok-1')).toBe(200);
    expect(await get(base, '/throw', 'throw-1')).toBe(500);
    expect(await get(base, '/503', 'unavail-1')).toBe(503);
    const got = await (backend as Backend).records();
    const of = (id: string) =>
      got.filter((r) => r.attributes[ID] === id).map((r) => [r.severityText, r.body]);
    expect(of('ok-1')).toEqual([['INFO', 'request completed']]);
    expect(of('throw-1')).toEqual([
      ['DEBUG', 'route matched'],
      ['DEBUG', 'loaded order'],
      ['ERROR', 'request errored'],
    ]);
    expect(of('unavail-1')).toEqual([
      ['DEBUG', 'route matched'],
      ['DEBUG', 'loaded order'],
      ['ERROR', 'request errored'],
    ]);
    const stats = (backend as Backend).log.stats();
    expect(stats.tail).toMatchObject({ buffered: 6, released: 4, discarded: 2, held: 0, open: 0 });
    expect(stats.accepted).toBe(stats.exported);
  });

  it('a request slower than tail.slowMs releases its trail', async () => {
    const base = await start({ slowMs: 40 });
    expect(await get(base, '/slow', 'slow-1')).toBe(200); // sleeps 80 ms: always slow
    expect(await get(base, '/fast', 'fast-1')).toBe(200);
    const got = await (backend as Backend).records();
    const of = (id: string) => got.filter((r) => r.attributes[ID] === id).map((r) => r.body);
    expect(of('slow-1')).toEqual(['route matched', 'loaded order', 'request completed']);
    // The fast request is fast unless the machine stalled it: its own measured duration (the
    // completion record's) decides which outcome is right.
    const fast = got.find((r) => r.attributes[ID] === 'fast-1' && r.body === 'request completed');
    const seconds = fast?.attributes['http.server.request.duration'] as number;
    expect(typeof seconds).toBe('number');
    expect(of('fast-1')).toEqual(
      seconds * 1000 > 40 ? ['route matched', 'loaded order', 'request completed'] : ['request completed'],
    );
  });

  it('tail: false on the middleware holds nothing', async () => {
    const base = await start(false);
    expect(await get(base, '/throw', 'throw-2')).toBe(500);
    const got = await (backend as Backend).records();
    expect(got.filter((r) => r.attributes[ID] === 'throw-2').map((r) => r.body)).toEqual(['request errored']);
    expect((backend as Backend).log.stats().tail.buffered).toBe(0);
  });

  it('Express: an error passed to next() through errorHandler releases the trail', async () => {
    const { log: logger } = await tailBackend('tail-express', { level: 'info', tail: true });
    const logging = httpLogger({ logger });
    const app = express();
    app.use(logging);
    app.get('/orders/:id', async (req, _res, next) => {
      logger.debug('cache miss', { id: req.params.id });
      await tick();
      next(new Error('db timeout'));
    });
    app.get('/fine', (_req, res) => {
      logger.debug('cache hit');
      res.send('ok');
    });
    app.use(logging.errorHandler);
    app.use((_err: unknown, _req: unknown, res: express.Response, _next: unknown) => {
      res.status(500).send('failed');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server?.once('listening', () => r()));
    const base = baseUrl(server);
    expect(await get(base, '/orders/9', 'x-1')).toBe(500);
    expect(await get(base, '/fine', 'x-2')).toBe(200);
    const got = await (backend as Backend).records();
    expect(got.filter((r) => r.attributes[ID] === 'x-1').map((r) => r.body)).toEqual([
      'cache miss',
      'request errored',
    ]);
    expect(got.filter((r) => r.attributes[ID] === 'x-2').map((r) => r.body)).toEqual(['request completed']);
  });

  it('Fastify: a thrown route error releases the trail (podlog/fastify drives the same request log)', async () => {
    const { log: logger } = await tailBackend('tail-fastify', { level: 'info', tail: true });
    const app = Fastify({ genReqId });
    await app.register(podlogFastify, { logger });
    app.get('/orders/:id', async (req) => {
      logger.debug('cache miss', { id: (req.params as { id: string }).id });
      await tick();
      if ((req.params as { id: string }).id === '13') throw new Error('db timeout');
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = app.server;
    const base = baseUrl(app.server);
    expect(await get(base, '/orders/13', 'f-1')).toBe(500);
    expect(await get(base, '/orders/7', 'f-2')).toBe(200);
    const got = await (backend as Backend).records();
    expect(got.filter((r) => r.attributes[ID] === 'f-1').map((r) => r.body)).toEqual([
      'cache miss',
      'request errored',
    ]);
    expect(got.filter((r) => r.attributes[ID] === 'f-2').map((r) => r.body)).toEqual(['request completed']);
  });

  it('refuses a bad tail option on the middleware', () => {
    const logger = createLogger({ env: {}, stdout: false, diagnostics: false, tail: true });
    expect(() => httpLogger({ logger, tail: 'yes' as never })).toThrow(InvalidOptionError);
    expect(() => httpLogger({ logger, tail: { slowMs: 0 } })).toThrow('httpLogger.tail.slowMs');
    expect(() => httpLogger({ logger, tail: { slow: 5 } as never })).toThrow(/slowMs/);
    return logger.shutdown({ timeoutMs: 100 });
  });
});
