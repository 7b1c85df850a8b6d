import { createServer, type Server } from 'node:http';
import { httpLogger } from 'podlog/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, baseUrl, closeServer, completions, hit, SET_COOKIE, startBackend } from './harness.js';

describe('podlog/http with node:http (real server, real OTLP receiver)', () => {
  let backend: Backend;
  let server: Server | undefined;
  beforeEach(async () => {
    backend = await startBackend('node-http-app');
  });
  afterEach(async () => {
    await closeServer(server);
    server = undefined;
    await backend.close();
  });

  async function listen(): Promise<string> {
    const logging = httpLogger({ logger: backend.log });
    const log = backend.log;
    server = createServer(
      logging.wrap(async (req, res) => {
        res.setHeader('set-cookie', SET_COOKIE);
        const path = (req.url ?? '').split('?')[0];
        if (path === '/ok') {
          await new Promise((r) => setImmediate(r));
          // A careless app logs the request headers: redaction keeps the secrets out.
          log.info('handling order', { orderId: 7, headers: req.headers });
          res.end('ok');
        } else if (path === '/boom') {
          await new Promise((r) => setImmediate(r));
          throw new Error('inventory service unreachable');
        } else {
          res.statusCode = 404;
          res.end('no such route');
        }
      }),
    );
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return baseUrl(server as Server);
  }

  it('normal, throwing and unknown requests: one completion record each, ids, context, no secrets', async () => {
    const base = await listen();
    const ok = await hit(base, '/ok', { 'x-request-id': 'req-ok-1' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('req-ok-1');
    const boom = await hit(base, '/boom');
    expect(boom.status).toBe(500);
    const boomId = boom.headers.get('x-request-id');
    expect(boomId).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await hit(base, '/nope', { 'x-request-id': 'bad id\twith tab' });
    expect(missing.status).toBe(404);
    const missingId = missing.headers.get('x-request-id');
    expect(missingId).not.toBe('bad id\twith tab');

    const records = await backend.records();
    const done = completions(records);
    expect(done.map((r) => [r.body, r.severityText, r.attributes['http.response.status_code']])).toEqual([
      ['request completed', 'INFO', 200],
      ['request errored', 'ERROR', 500],
      ['request completed', 'WARN', 404],
    ]);
    expect(done.map((r) => r.attributes['http.request.id'])).toEqual(['req-ok-1', boomId, missingId]);
    expect(done[0].attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/ok',
      'client.address': '127.0.0.1',
      'user_agent.original': 'acceptance-test/1.0',
    });
    expect(done[0].attributes['http.server.request.duration']).toBeGreaterThan(0);
    expect(done[0].attributes['http.server.request.duration']).toBeLessThan(10);
    expect(done[1].attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'inventory service unreachable',
      'error.type': 'Error',
    });
    expect(String(done[1].attributes['exception.stacktrace'])).toContain('node-http.test.ts');
    // The handler's own record carries the request id through the context.
    const inner = records.find((r) => r.body === 'handling order');
    expect(inner?.attributes).toMatchObject({ orderId: 7, 'http.request.id': 'req-ok-1' });
    backend.assertClean();
  });

  it('concurrent requests never see each other’s request id', async () => {
    const base = await listen();
    const ids = Array.from({ length: 30 }, (_, i) => `req-${i}`);
    await Promise.all(ids.map((id) => hit(base, '/ok', { 'x-request-id': id })));
    const records = await backend.records();
    const inner = records.filter((r) => r.body === 'handling order');
    expect(inner.map((r) => r.attributes['http.request.id']).sort()).toEqual([...ids].sort());
    expect(
      completions(records)
        .map((r) => r.attributes['http.request.id'])
        .sort(),
    ).toEqual([...ids].sort());
    backend.assertClean();
  });

  it('a hostile request (6 KB path, 4 KB user agent, many headers) still gives one small record', async () => {
    const base = await listen();
    const headers: Record<string, string> = { 'user-agent': 'u'.repeat(4000), 'x-request-id': 'req-big' };
    for (let i = 0; i < 20; i++) headers[`x-junk-${i}`] = 'j'.repeat(100);
    const res = await hit(base, `/${'p'.repeat(6000)}`, headers);
    expect(res.status).toBe(404);
    const [done] = completions(await backend.records());
    expect(done.attributes['http.request.id']).toBe('req-big');
    expect(String(done.attributes['url.path']).length).toBeLessThanOrEqual(1100);
    backend.assertClean(); // every record ≤ 4 KB as JSON, no secret
  });
});
