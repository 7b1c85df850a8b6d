import { afterEach, describe, expect, it } from 'vitest';
import { outcomes } from '../helpers/http-outcomes.js';
import { type RunningExample, startExample } from './run-example.js';

const SECRETS = ['sk-live-EXAMPLE-1f3c', 'COOKIE-EXAMPLE-77aa', 'QUERY-EXAMPLE-0b1d'];
const secretHeaders = { authorization: `Bearer ${SECRETS[0]}`, cookie: `session=${SECRETS[1]}` };

describe('examples/nest (a real NestJS 12 app)', () => {
  let app: RunningExample | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it("logs Nest's records by context, request ids through podlog/http, errors with stacks, no secrets", async () => {
    app = await startExample('examples/nest/main.ts', { PORT: '0', OTEL_SERVICE_NAME: 'orders-api' });
    const [, base] = await app.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

    const get = await fetch(`${base}/orders/7?token=${SECRETS[2]}`, {
      headers: { ...secretHeaders, 'x-request-id': 'req-1' },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('x-request-id')).toBe('req-1');
    const post = await fetch(`${base}/orders`, {
      method: 'POST',
      body: JSON.stringify({ item: 'blue mug' }),
      headers: { ...secretHeaders, 'content-type': 'application/json', 'x-request-id': 'req-2' },
    });
    expect(post.status).toBe(201);
    expect(
      (await fetch(`${base}/orders/boom/now`, { headers: { ...secretHeaders, 'x-request-id': 'req-3' } }))
        .status,
    ).toBe(500);
    expect(
      (await fetch(`${base}/orders/99`, { headers: { ...secretHeaders, 'x-request-id': 'req-4' } })).status,
    ).toBe(404);

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });

    const records = app.records;
    expect(records.find((r) => r.body === 'Starting Nest application...')?.scope).toBe('NestFactory');
    expect(records.find((r) => r.body === 'order created')).toMatchObject({
      scope: 'OrdersService',
      attributes: { 'http.request.id': 'req-2', item: 'blue mug' },
    });
    const failed = records.find((r) => r.scope === 'ExceptionsHandler');
    expect(failed?.attributes['http.request.id']).toBe('req-3');
    expect(String(failed?.attributes['exception.stacktrace'])).toContain('examples/nest/main.ts');
    expect(outcomes(records)).toEqual([
      ['req-1', 'request completed', 'INFO', '/orders/:id', 200],
      ['req-2', 'request completed', 'INFO', '/orders', 201],
      ['req-3', 'request errored', 'ERROR', '/orders/boom/now', 500],
      ['req-4', 'request completed', 'WARN', '/orders/:id', 404],
    ]);
    const all = JSON.stringify(records, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
    for (const s of SECRETS) expect(all).not.toContain(s);
    expect(records.at(-1)?.body).toBe('shutting down');
  });
});
