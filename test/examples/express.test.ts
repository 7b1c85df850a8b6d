import { afterEach, describe, expect, it } from 'vitest';
import { completions, outcomes } from '../helpers/http-outcomes.js';
import { type RunningExample, startExample } from './run-example.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SECRETS = ['sk-live-EXAMPLE-1f3c', 'COOKIE-EXAMPLE-77aa', 'a-session-secret', 'QUERY-EXAMPLE-0b1d'];
const secretHeaders = {
  authorization: `Bearer ${SECRETS[0]}`,
  cookie: `session=${SECRETS[1]}`,
};

describe('examples/express (a real Express 5 app)', () => {
  let app: RunningExample | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('logs per request with request id, route, status, duration and trace; errors with stacks; no secrets; graceful shutdown', async () => {
    app = await startExample('examples/express/server.ts', { PORT: '0', OTEL_SERVICE_NAME: 'orders-api' });
    const [, base] = await app.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

    const get = await fetch(`${base}/orders/7?token=${SECRETS[3]}`, {
      headers: {
        ...secretHeaders,
        'x-request-id': 'req-1',
        traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
      },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('x-request-id')).toBe('req-1');
    const post = await fetch(`${base}/orders`, {
      method: 'POST',
      body: JSON.stringify({ item: 'blue mug' }),
      headers: { ...secretHeaders, 'content-type': 'application/json', 'x-request-id': 'req-2' },
    });
    expect(post.status).toBe(201);
    const boom = await fetch(`${base}/boom`, { headers: { ...secretHeaders, 'x-request-id': 'req-3' } });
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: 'internal error', requestId: 'req-3' });
    const missing = await fetch(`${base}/orders/99`, { headers: secretHeaders });
    expect(missing.status).toBe(404);
    const generatedId = missing.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });

    const records = app.records;
    const completed = completions(records);
    expect(outcomes(records)).toEqual([
      ['req-1', 'request completed', 'INFO', '/orders/:id', 200],
      ['req-2', 'request completed', 'INFO', '/orders', 201],
      ['req-3', 'request errored', 'ERROR', '/boom', 500],
      [generatedId, 'request completed', 'WARN', '/orders/:id', 404],
    ]);
    for (const r of completed) {
      expect(r.attributes['http.server.request.duration']).toBeGreaterThanOrEqual(0);
      expect(r.attributes['url.path']).toMatch(/^\/(orders|boom)/);
    }
    expect(completed[2].attributes['exception.message']).toBe('inventory service unreachable');
    expect(String(completed[2].attributes['exception.stacktrace'])).toContain('examples/express/server.ts');

    // Records logged by the handlers carry the request id (the request context) and the trace.
    expect(records.find((r) => r.body === 'order created')?.attributes).toMatchObject({
      'http.request.id': 'req-2',
      item: 'blue mug',
    });
    expect(records.find((r) => r.body === 'order not found')?.attributes['http.request.id']).toBe(
      generatedId,
    );
    const req1 = records.filter((r) => r.attributes['http.request.id'] === 'req-1');
    // Its traceparent's trace id, under the span the app started for it.
    expect(req1.map((r) => [r.body, r.traceId])).toEqual([['request completed', TRACE_ID]]);
    expect(req1[0].spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(records.find((r) => r.body === 'order created')?.traceId).toMatch(/^[0-9a-f]{32}$/);

    // No secret in any record; the health check is not logged.
    const all = JSON.stringify(records, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
    for (const s of SECRETS) expect(all).not.toContain(s);
    expect(all).not.toContain('/healthz');
    expect(records.at(-1)?.body).toBe('shutting down');
    expect(records.every((r) => r.resource['service.name'] === 'orders-api')).toBe(true);
  });
});
