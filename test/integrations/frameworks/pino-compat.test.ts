/**
 * The pino-shaped ways to plug podlog into a framework: `pino-http({ logger: log })` and
 * `Fastify({ loggerInstance: log })`, through podlog's pino-compatible facade.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'podlog';
import { genReqId, podlogFastify } from 'podlog/fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, baseUrl, closeServer, hit, SET_COOKIE, startBackend } from './harness.js';

describe('pino-shaped integrations (real packages, real OTLP receiver)', () => {
  let backend: Backend;
  let server: Server | undefined;
  // Fastify's instance type follows its logger's; podlog's logger is not pino's type.
  let app: { close(): Promise<unknown> } | undefined;
  beforeEach(async () => {
    backend = await startBackend('pino-compat');
  });
  afterEach(async () => {
    await closeServer(server);
    await app?.close();
    server = app = undefined;
    await backend.close();
  });

  it('pino-http({ logger: log }) starts and logs every request, with no secrets', async () => {
    const middleware = pinoHttp({ logger: backend.log as never });
    server = createServer((req, res) => {
      middleware(req, res);
      (req as IncomingMessage & { log: Logger }).log.info('handling');
      res.setHeader('set-cookie', SET_COOKIE);
      res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
      res.end('ok');
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const base = baseUrl(server);
    await hit(base, '/a');
    await hit(base, '/missing');
    const records = await backend.records();
    const done = records.filter((r) => r.body === 'request completed');
    expect(
      done.map((r) => [r.attributes['url.path'], r.attributes['http.response.status_code'], r.severityText]),
    ).toEqual([
      ['/a', 200, 'INFO'],
      // pino-http's default level: info below 500.
      ['/missing', 404, 'INFO'],
    ]);
    for (const r of done) expect(typeof r.attributes.responseTime).toBe('number');
    expect(records.filter((r) => r.body === 'handling')).toHaveLength(2);
    backend.assertClean();
  });

  it('Fastify({ loggerInstance: log }) starts and logs every request and error, with no secrets', async () => {
    const fastify = Fastify({ loggerInstance: backend.log as unknown as FastifyBaseLogger });
    app = fastify;
    fastify.addHook('onSend', async (_req, reply) => {
      reply.header('set-cookie', SET_COOKIE);
    });
    fastify.get('/ok', async (req) => {
      req.log.info('handling');
      return { ok: true };
    });
    fastify.get('/boom', async () => {
      throw new Error('inventory service unreachable');
    });
    const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
    expect((await hit(base, '/ok')).status).toBe(200);
    expect((await hit(base, '/boom')).status).toBe(500);
    // No secret query string here: Fastify's own 404 record is the message
    // `Route GET:<raw url> not found`, query string included (see the next test for the setup
    // that avoids it).
    expect((await hit(base, '/nowhere', {}, false)).status).toBe(404);
    const records = await backend.records();
    expect(records.filter((r) => r.body === 'incoming request')).toHaveLength(3);
    expect(records.find((r) => String(r.body).startsWith('Route GET:/nowhere'))?.attributes.reqId).toBe(
      'req-3',
    );
    expect(records.filter((r) => r.body === 'request completed')).toHaveLength(3);
    const handling = records.find((r) => r.body === 'handling');
    expect(handling?.attributes.reqId).toBe('req-1');
    const failed = records.find((r) => r.body === 'inventory service unreachable');
    expect(failed?.severityText).toBe('ERROR');
    expect(JSON.stringify(failed?.attributes)).toContain('fastify/lib');
    backend.assertClean();
  });

  it('Fastify({ loggerInstance: log, disableRequestLogging: true }) with the podlog plugin: request context, no secrets even in 404s', async () => {
    const fastify = Fastify({
      loggerInstance: backend.log as unknown as FastifyBaseLogger,
      disableRequestLogging: true,
      genReqId,
    });
    app = fastify;
    await fastify.register(podlogFastify, { logger: backend.log });
    fastify.get('/ok', async (req) => {
      req.log.info('handling');
      return { ok: true };
    });
    const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
    await hit(base, '/ok', { 'x-request-id': 'req-ctx' });
    expect((await hit(base, '/nowhere')).status).toBe(404);
    const records = await backend.records();
    expect(records.find((r) => r.body === 'handling')?.attributes).toMatchObject({
      reqId: 'req-ctx',
      'http.request.id': 'req-ctx',
    });
    // One completion record per request (podlog's), not Fastify's too.
    expect(records.filter((r) => r.body === 'request completed')).toHaveLength(2);
    expect(records.some((r) => r.body === 'incoming request')).toBe(false);
    backend.assertClean();
  });
});
