import { gzipSync } from 'node:zlib';
import { setupServer } from 'msw/node';
import { otlpHandlers } from 'podlog/testing';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonRequest, protobufRequest } from '../cli/request-fixtures.js';

const endpoint = 'http://otlp.test:4318/v1/logs';
const otlp = otlpHandlers({ endpoint });
const server = setupServer(...otlp.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => otlp.clear());
afterAll(() => server.close());

const post = (body: string | Uint8Array, headers: Record<string, string>) =>
  fetch(endpoint, { method: 'POST', body, headers });

describe('otlpHandlers: an OTLP/HTTP backend inside msw', () => {
  it('decodes protobuf, JSON and gzip bodies into records and answers 200 in kind', async () => {
    const a = await post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/x-protobuf');
    const b = await post(gzipSync(jsonRequest()), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(b.status).toBe(200);
    expect(await b.json()).toEqual({});
    expect(otlp.records.map((r) => [r.level, r.body, r.scope, r.resource['service.name']])).toEqual([
      ['info', 'order placed', 'orders', 'checkout'],
      ['error', 'payment failed', 'orders', 'checkout'],
      ['warn', 'invoice late', 'invoices', 'billing'],
    ]);
    expect(otlp.records[0].attributes).toEqual({ orderId: 42, items: ['a', 'b'] });
    expect(otlp.records[1]).toMatchObject({ eventName: 'payment.failed', traceId: 'ab'.repeat(16) });
    expect(otlp.requests.map((r) => [r.status, r.contentEncoding, r.records.length])).toEqual([
      [200, '', 2],
      [200, 'gzip', 1],
    ]);
  });

  it('answers 400 for a malformed body and keeps no records from it', async () => {
    const res = await post('{"resourceLogs":1}', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/resourceLogs/);
    expect(otlp.records).toEqual([]);
    expect(otlp.requests[0].error).toMatch(/resourceLogs/);
  });

  it('respondWith scripts failures with Retry-After for a number of requests, then recovers', async () => {
    otlp.respondWith(503, { retryAfter: 2, times: 2 });
    const first = await post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    const second = await post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    const third = await post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(otlp.records).toHaveLength(2); // only the accepted request's records
    expect(otlp.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    // Refused requests are still decoded, so a test can see what the app tried to send.
    expect(otlp.requests[0].records).toHaveLength(2);
  });

  it('respondWith without times holds until changed; delays are applied', async () => {
    otlp.respondWith(413);
    for (let i = 0; i < 3; i++) {
      expect((await post(protobufRequest(), { 'content-type': 'application/x-protobuf' })).status).toBe(413);
    }
    otlp.clear();
    otlp.respondWith(200, { delayMs: 300 });
    const pending = post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    await expect.poll(() => otlp.requests.length).toBe(1);
    expect(otlp.records).toHaveLength(0); // seen, but not answered yet
    expect((await pending).status).toBe(200);
    expect(otlp.records).toHaveLength(2);
  });

  it('reaches undici clients through its fetch dispatcher', async () => {
    const res = await request(endpoint, {
      method: 'POST',
      body: protobufRequest(),
      headers: { 'content-type': 'application/x-protobuf' },
      dispatcher: otlp.dispatcher,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    await res.body.arrayBuffer();
    expect(otlp.records.map((r) => r.body)).toEqual(['order placed', 'payment failed']);

    otlp.respondWith(429, { retryAfter: 1, times: 1 });
    const refused = await request(endpoint, {
      method: 'POST',
      body: protobufRequest(),
      headers: { 'content-type': 'application/x-protobuf' },
      dispatcher: otlp.dispatcher,
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    await refused.body.arrayBuffer();
  });
});

describe('otlpHandlers with a real podlog logger (dispatcher option)', () => {
  it('captures the logger’s records, and the logger rides out a scripted 503 with Retry-After', async () => {
    const { createLogger } = await import('podlog');
    otlp.respondWith(503, { retryAfter: 0, times: 1 });
    const log = createLogger({
      endpoint,
      dispatcher: otlp.dispatcher,
      serviceName: 'orders-api',
      diagnostics: false,
      handleExit: false,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
    });
    log.info('order placed', { orderId: 7 });
    log.warn('stock low', { sku: 'A-1' });
    await log.flush();
    expect(otlp.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(otlp.records.map((r) => [r.level, r.body, r.resource['service.name']])).toEqual([
      ['info', 'order placed', 'orders-api'],
      ['warn', 'stock low', 'orders-api'],
    ]);
    const stats = log.stats();
    expect(stats.exported).toBe(2);
    expect(stats.retries).toBe(1);
    await log.shutdown();
  });
});
