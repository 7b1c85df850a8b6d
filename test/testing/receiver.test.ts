/**
 * `startReceiver()` from `podlog/testing`: a real OTLP/HTTP receiver on 127.0.0.1 that a test
 * points a real logger at; and the msw handlers' partial-success replies, from the same core.
 */
import { setupServer } from 'msw/node';
import { otlpHandlers, startReceiver } from 'podlog/testing';
import { describe, expect, it } from 'vitest';
import { createLogger as createPodlogLogger } from '../../src/index.js';

describe('startReceiver from podlog/testing', () => {
  it('receives what a real logger sends: records with resource and scope, on a free port', async () => {
    const receiver = await startReceiver();
    try {
      expect(receiver.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/logs$/);
      const log = createPodlogLogger({
        endpoint: receiver.endpoint,
        serviceName: 'orders-api',
        env: {},
        diagnostics: false,
        handleExit: false,
        podinfoDir: false,
      });
      log.child({ requestId: 'r-1' }).warn('stock low', { sku: 'A-1' });
      await log.shutdown();
      expect(
        receiver.records.map((r) => [r.level, r.body, r.attributes, r.resource['service.name']]),
      ).toEqual([['warn', 'stock low', { requestId: 'r-1', sku: 'A-1' }, 'orders-api']]);
      receiver.clear();
      expect(receiver.records).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('otlpHandlers partial success', () => {
  it('answers 200 with partial_success; the logger counts the rejected records', async () => {
    const endpoint = 'http://otlp.test:4318/v1/logs';
    const otlp = otlpHandlers({ endpoint });
    const server = setupServer(...otlp.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      otlp.respondWith(200, { partialSuccess: { rejected: 1, message: 'attribute too long' }, times: 1 });
      const lines: string[] = [];
      const log = createPodlogLogger({
        endpoint,
        dispatcher: otlp.dispatcher,
        env: {},
        diagnostics: (line) => lines.push(line),
        handleExit: false,
        podinfoDir: false,
      });
      log.info('a');
      log.info('b');
      await log.shutdown();
      // The second request is podlog's own drop summary, sent before shutdown() resolves.
      expect(otlp.requests.map((r) => r.status)).toEqual([200, 200]);
      expect(otlp.records.map((r) => r.body)).toEqual([
        'a',
        'b',
        expect.stringContaining('podlog dropped 1'),
      ]);
      expect(log.stats()).toMatchObject({ exported: 2, dropped: { rejected: 1 } });
      expect(lines.some((l) => l.includes('partial success: 1 rejected: attribute too long'))).toBe(true);
    } finally {
      server.close();
    }
  });
});
