import { afterEach, describe, expect, it } from 'vitest';
import { type RunningExample, startExample } from './run-example.js';

describe('examples/otel-sdk', () => {
  let app: RunningExample | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('one pipeline: pino (bridged) and podlog records arrive once, one resource, the request span ids', async () => {
    app = await startExample('examples/otel-sdk/server.ts', { PORT: '0', OTEL_LOGS_EXPORTER: '' }, [
      './examples/otel-sdk/instrumentation.ts',
    ]);
    const [, base] = await app.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const ok = await fetch(`${base}/stock/7`);
    expect(ok.status).toBe(200);
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });

    const records = app.records;
    expect(records.map((r) => [r.scope, r.severityText, r.body])).toEqual([
      ['@opentelemetry/instrumentation-pino', 'debug', 'stock lookup'],
      ['app', 'INFO', 'stock served'],
      ['app', 'WARN', 'no such route'],
      ['app', 'INFO', 'shutting down'],
    ]);
    // Inside a request: the server span's ids, the same on the bridged and the podlog record.
    const [lookup, served, missed] = records;
    expect(lookup.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect([served.traceId, served.spanId]).toEqual([lookup.traceId, lookup.spanId]);
    expect(missed.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(missed.traceId).not.toBe(lookup.traceId);
    expect(lookup.attributes).toMatchObject({ sku: 7 });
    // One resource: the SDK's merged into podlog's. Records written while the SDK's async
    // detectors still ran (host.id) carry what had settled: a subset of the final resource.
    const final = records.at(-1)?.resource ?? {};
    expect(final).toHaveProperty('host.id');
    for (const r of records) expect(final).toMatchObject(r.resource);
    expect(records[0].resource).toMatchObject({
      'service.name': 'orders-api',
      'service.version': '1.4.0',
      'deployment.environment.name': 'staging',
    });
  }, 90_000);
});
