import Fastify, { type FastifyInstance } from 'fastify';
import { InvalidOptionError } from 'podlog';
import { genReqId, podlogFastify } from 'podlog/fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  completions,
  expectHandlerRecordsInContext,
  hit,
  outcomes,
  SET_COOKIE,
  startBackend,
} from './harness.js';

describe('podlog/fastify with a real Fastify 5 app (real OTLP receiver)', () => {
  let backend: Backend;
  let app: FastifyInstance | undefined;
  beforeEach(async () => {
    backend = await startBackend('fastify-app');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await backend.close();
  });

  async function listen(): Promise<string> {
    const log = backend.log;
    app = Fastify({ genReqId });
    await app.register(podlogFastify, { logger: log });
    app.addHook('onSend', async (_req, reply) => {
      reply.header('set-cookie', SET_COOKIE);
    });
    app.get('/orders/:id', async (req) => {
      await new Promise((r) => setTimeout(r, 1));
      log.info('loading order', { orderId: (req.params as { id: string }).id, headers: req.headers });
      return { ok: true };
    });
    app.post('/orders', async (req, reply) => {
      // After the body was read (the `end` event): still the request's context.
      log.info('order created', { item: (req.body as { item: string }).item });
      reply.code(201);
      return { ok: true };
    });
    app.get('/boom', async () => {
      await new Promise((r) => setImmediate(r));
      throw new Error('inventory service unreachable');
    });
    return app.listen({ port: 0, host: '127.0.0.1' });
  }

  it('normal, throwing, 404 and a JSON POST: ids, routes, context, stacks, no secrets', async () => {
    const base = await listen();
    const ok = await hit(base, '/orders/7', { 'x-request-id': 'req-7' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('req-7');
    expect((await hit(base, '/boom', { 'x-request-id': 'req-boom' })).status).toBe(500);
    const missing = await hit(base, '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const post = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-post' },
      body: JSON.stringify({ item: 'blue mug' }),
    });
    expect(post.status).toBe(201);

    const records = await backend.records();
    const done = completions(records);
    expect(outcomes(records)).toEqual([
      ['req-7', 'request completed', 'INFO', '/orders/:id', 200],
      ['req-boom', 'request errored', 'ERROR', '/boom', 500],
      [missing.headers.get('x-request-id'), 'request completed', 'WARN', undefined, 404],
      ['req-post', 'request completed', 'INFO', '/orders', 201],
    ]);
    expect(done[1].attributes['exception.message']).toBe('inventory service unreachable');
    expect(String(done[1].attributes['exception.stacktrace'])).toContain('fastify.test.ts');
    expectHandlerRecordsInContext(records);
    backend.assertClean();
  });

  it('concurrent requests with bodies (several chunks each) never see each other’s context', async () => {
    const base = await listen();
    const ids = Array.from({ length: 20 }, (_, i) => `req-${i}`);
    await Promise.all(
      ids.map((id) =>
        fetch(`${base}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': id },
          body: JSON.stringify({ item: id, pad: 'x'.repeat(100_000) }),
        }),
      ),
    );
    const created = (await backend.records()).filter((r) => r.body === 'order created');
    expect(created).toHaveLength(ids.length);
    for (const r of created) expect(r.attributes['http.request.id']).toBe(r.attributes.item);
  });

  it('bad plugin options fail at register, naming the option', async () => {
    app = Fastify();
    await expect(
      app.register(podlogFastify, { logger: backend.log, genReqId: () => 'x' } as never),
    ).rejects.toThrow(/podlogFastify\.genReqId.*Fastify\(\{ genReqId \}\)/);
    app = Fastify();
    await expect(
      app.register(podlogFastify, { logger: backend.log, autoLoging: false } as never),
    ).rejects.toThrow(InvalidOptionError);
    app = Fastify();
    await expect(app.register(podlogFastify, {} as never)).rejects.toThrow(/podlogFastify\.logger/);
  });
});
