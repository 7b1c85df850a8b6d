import { afterEach, describe, expect, it } from 'vitest';
import { completions, outcomes } from '../helpers/http-outcomes.js';
import { type RunningExample, startExample } from './run-example.js';

const SECRETS = ['sk-live-EXAMPLE-1f3c', 'COOKIE-EXAMPLE-77aa', 'a-session-secret', 'QUERY-EXAMPLE-0b1d'];
const secretHeaders = { authorization: `Bearer ${SECRETS[0]}`, cookie: `session=${SECRETS[1]}` };

describe('examples/fastify (a real Fastify 5 app)', () => {
  let app: RunningExample | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('logs per request with request ids everywhere, errors with stacks, no secrets, graceful shutdown', async () => {
    app = await startExample('examples/fastify/server.ts', {
      PORT: '0',
      OTEL_SERVICE_NAME: 'orders-api',
      PODLOG_LEVEL: 'debug',
    });
    const [, base] = await app.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

    const get = await fetch(`${base}/orders/7?token=${SECRETS[3]}`, {
      headers: { ...secretHeaders, 'x-request-id': 'req-1' },
    });
    expect(get.status).toBe(200);
    const unknown = await fetch(`${base}/orders/41`, { headers: { 'x-request-id': 'req-41' } });
    expect(unknown.status).toBe(404);
    expect(get.headers.get('x-request-id')).toBe('req-1');
    const post = await fetch(`${base}/orders`, {
      method: 'POST',
      body: JSON.stringify({ item: 'blue mug' }),
      headers: { ...secretHeaders, 'content-type': 'application/json', 'x-request-id': 'req-2' },
    });
    expect(post.status).toBe(201);
    expect(
      (await fetch(`${base}/boom`, { headers: { ...secretHeaders, 'x-request-id': 'req-3' } })).status,
    ).toBe(500);
    const missing = await fetch(`${base}/nowhere?token=${SECRETS[3]}`, { headers: secretHeaders });
    expect(missing.status).toBe(404);
    const generatedId = missing.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });

    const records = app.records;
    const completed = completions(records);
    expect(outcomes(records)).toEqual([
      ['req-1', 'request completed', 'INFO', '/orders/:id', 200],
      ['req-41', 'request completed', 'WARN', '/orders/:id', 404],
      ['req-2', 'request completed', 'INFO', '/orders', 201],
      ['req-3', 'request errored', 'ERROR', '/boom', 500],
      [generatedId, 'request completed', 'WARN', undefined, 404],
    ]);
    expect(String(completed[3].attributes['exception.stacktrace'])).toContain('examples/fastify/server.ts');
    // Through the request context: a plain `log` call far from the route, and `log.info` in it.
    expect(records.find((r) => r.body === 'stock reserved')?.attributes).toMatchObject({
      'http.request.id': 'req-2',
      item: 'blue mug',
    });
    expect(records.find((r) => r.body === 'order created')?.attributes['http.request.id']).toBe('req-2');
    // `request.log` (Fastify's child of podlog): its `reqId` binding and the context's id.
    expect(records.find((r) => r.body === 'order not found')?.attributes).toMatchObject({
      reqId: 'req-41',
      'http.request.id': 'req-41',
      orderId: '41',
    });

    const all = JSON.stringify(records, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
    for (const s of SECRETS) expect(all).not.toContain(s);
    expect(records.some((r) => r.body === 'incoming request')).toBe(false);
    expect(records.at(-1)?.body).toBe('shutting down');
  });
});
