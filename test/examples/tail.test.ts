import { afterEach, describe, expect, it } from 'vitest';
import { type RunningExample, startExample } from './run-example.js';

const ID = 'http.request.id';

describe('examples/tail', () => {
  let app: RunningExample | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('a failing request carries its debug trail, in order and before its error; a successful one does not', async () => {
    app = await startExample('examples/tail/server.ts', { PORT: '0', OTEL_SERVICE_NAME: 'orders-api' });
    const [, base] = await app.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

    const ok = await fetch(`${base}/orders/7`, { headers: { 'x-request-id': 'good-1' } });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const bad = await fetch(`${base}/orders/13`, { headers: { 'x-request-id': 'bad-1' } });
    expect(bad.status).toBe(500);
    await bad.arrayBuffer();

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });

    const of = (id: string) => app?.records.filter((r) => r.attributes[ID] === id) ?? [];
    expect(of('good-1').map((r) => [r.severityText, r.body])).toEqual([['INFO', 'request completed']]);
    const trail = of('bad-1');
    expect(trail.map((r) => [r.severityText, r.body])).toEqual([
      ['DEBUG', 'route matched'],
      ['DEBUG', 'cache lookup'],
      ['DEBUG', 'db query'],
      ['ERROR', 'request errored'],
    ]);
    // Original times: each record's time is its call's, so they increase along the trail.
    const times = trail.map((r) => r.timeUnixNano);
    expect([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(times);
    expect(trail[3]?.attributes['exception.message']).toBe('payment provider timed out for order 13');

    // The successful request's 3 debug records were discarded, and counted.
    const tailLine = app.stdout.find((l) => l.startsWith('tail: '));
    expect(JSON.parse((tailLine as string).slice('tail: '.length))).toMatchObject({
      buffered: 6,
      released: 3,
      discarded: 3,
      evicted: 0,
      held: 0,
    });
  });
});
