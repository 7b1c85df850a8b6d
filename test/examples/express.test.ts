import { afterEach, describe, expect, it } from 'vitest';
import { type RunningExample, startExample } from './run-example.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('examples/express', () => {
  let app: RunningExample | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('logs per request with request id, route, status, duration and trace; errors; graceful shutdown', async () => {
    app = await startExample('examples/express/server.ts', { PORT: '0', OTEL_SERVICE_NAME: 'orders-api' });
    const [, base] = await app.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

    const get = await fetch(`${base}/orders/7`, {
      headers: { 'x-request-id': 'req-1', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    expect(get.status).toBe(200);
    const post = await fetch(`${base}/orders`, {
      method: 'POST',
      body: JSON.stringify({ item: 'blue mug' }),
      headers: { 'x-request-id': 'req-2' },
    });
    expect(post.status).toBe(201);
    const boom = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'req-3' } });
    expect(boom.status).toBe(500);

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });

    const records = app.records;
    const completed = records.filter((r) => r.body === 'request completed');
    expect(completed.map((r) => [r.attributes.requestId, r.attributes.route, r.attributes.status])).toEqual([
      ['req-1', '/orders/:id', 200],
      ['req-2', '/orders', 201],
      ['req-3', '/boom', 500],
    ]);
    for (const r of completed) {
      expect(typeof r.attributes.durationMs).toBe('number');
      expect(r.attributes.durationMs as number).toBeGreaterThanOrEqual(0);
    }
    expect(completed[2].severityText).toBe('ERROR');

    // Trace correlation: the incoming traceparent's trace id on every record of that request.
    const req1 = records.filter((r) => r.attributes.requestId === 'req-1');
    expect(req1.length).toBeGreaterThan(0);
    for (const r of req1) expect(r.traceId).toBe(TRACE_ID);
    expect(records.find((r) => r.attributes.requestId === 'req-2')?.traceId).toMatch(/^[0-9a-f]{32}$/);

    const failed = records.find((r) => r.body === 'request failed');
    expect(failed?.attributes).toMatchObject({
      requestId: 'req-3',
      'exception.message': 'inventory service unreachable',
    });
    expect(records.find((r) => r.body === 'order created')?.attributes).toMatchObject({ item: 'blue mug' });
    // Logged during shutdown, and still delivered.
    expect(records.at(-1)?.body).toBe('shutting down');
    expect(records.every((r) => r.resource['service.name'] === 'orders-api')).toBe(true);
  });
});
