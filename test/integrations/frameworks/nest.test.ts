import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { httpLogger, PodlogNestLogger } from 'podlog/nest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../../helpers/receiver.js';
import { runTs } from '../../helpers/run-ts.js';
import { AppModule } from './fixtures/nest-app.js';
import { type Backend, completions, hit, outcomes, SET_COOKIE, startBackend } from './harness.js';

describe('podlog/nest with a real NestJS 12 app (real OTLP receiver)', () => {
  let backend: Backend;
  let app: INestApplication | undefined;
  beforeEach(async () => {
    backend = await startBackend('nest-app');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await backend.close();
  });

  it('Nest records by context, request ids through podlog/http, errors with stacks, no secrets', async () => {
    const log = backend.log;
    app = await NestFactory.create(AppModule, { logger: new PodlogNestLogger(log) });
    app.use(httpLogger({ logger: log }));
    app.use((_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => {
      res.setHeader('set-cookie', SET_COOKIE);
      next();
    });
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    expect((await hit(base, '/orders/7', { 'x-request-id': 'req-7' })).status).toBe(200);
    expect((await hit(base, '/orders/boom/now', { 'x-request-id': 'req-boom' })).status).toBe(500);
    expect((await hit(base, '/nowhere', { 'x-request-id': 'req-404' })).status).toBe(404);
    const post = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-post' },
      body: JSON.stringify({ item: 'blue mug' }),
    });
    expect(post.status).toBe(201);

    const records = await backend.records();
    // Nest's own startup records, named by their context.
    expect(records.find((r) => r.body === 'Starting Nest application...')?.scope).toBe('NestFactory');
    expect(records.some((r) => r.scope === 'RoutesResolver')).toBe(true);

    const loading = records.find((r) => r.body === 'loading order 7');
    expect(loading).toMatchObject({ scope: 'OrdersController', severityText: 'INFO' });
    expect(loading?.attributes).toMatchObject({ orderId: '7', 'http.request.id': 'req-7' });
    expect(records.find((r) => r.body === 'order created')?.attributes).toMatchObject({
      item: 'blue mug',
      'http.request.id': 'req-post',
    });

    // Nest's exception handler logs the error with its stack, in the request's context.
    const failed = records.find((r) => r.scope === 'ExceptionsHandler');
    expect(failed).toMatchObject({ severityText: 'ERROR', body: 'inventory service unreachable' });
    expect(failed?.attributes['http.request.id']).toBe('req-boom');
    expect(String(failed?.attributes['exception.stacktrace'])).toContain('nest-app.ts');

    // The completion record of the failed request carries the error too.
    const boomDone = completions(records).find((r) => r.attributes['http.request.id'] === 'req-boom');
    expect(boomDone?.attributes['exception.message']).toBe('inventory service unreachable');
    expect(outcomes(records)).toEqual([
      ['req-7', 'request completed', 'INFO', '/orders/:id', 200],
      ['req-boom', 'request errored', 'ERROR', '/orders/boom/now', 500],
      ['req-404', 'request completed', 'WARN', undefined, 404],
      ['req-post', 'request completed', 'INFO', '/orders', 201],
    ]);
    backend.assertClean();
  });

  it('maps Nest call conventions: context, stack strings, structured params, levels', async () => {
    const logger = new PodlogNestLogger(backend.log, { context: 'Default' });
    const stack = 'Error: x\n    at fn (/app/a.js:1:2)';
    logger.log('plain');
    logger.log('with context', 'Ctx');
    logger.warn('params', { a: 1 }, 'extra', 'Ctx');
    logger.error('failed', stack, 'Ctx');
    logger.error('failed alone', stack);
    logger.error(new Error('an error'), undefined, 'Ctx');
    logger.verbose('verbose');
    logger.debug('debug');
    logger.fatal('fatal', stack);
    logger.log({ structured: true }, 'Ctx');
    const recs = await backend.records();
    const by = (body: string) => recs.find((r) => r.body === body);
    expect(by('plain')).toMatchObject({ scope: 'Default', severityText: 'INFO', attributes: {} });
    expect(by('with context')?.scope).toBe('Ctx');
    expect(by('params')).toMatchObject({
      scope: 'Ctx',
      severityText: 'WARN',
      attributes: { a: 1, 'nest.args': ['extra'] },
    });
    expect(by('failed')).toMatchObject({ scope: 'Ctx', attributes: { 'exception.stacktrace': stack } });
    expect(by('failed alone')).toMatchObject({
      scope: 'Default',
      attributes: { 'exception.stacktrace': stack },
    });
    expect(by('an error')).toMatchObject({ scope: 'Ctx', attributes: { 'exception.message': 'an error' } });
    expect(by('verbose')?.severityText).toBe('TRACE');
    expect(by('debug')?.severityText).toBe('DEBUG');
    expect(by('fatal')?.severityText).toBe('FATAL');
    expect(recs.find((r) => r.attributes.structured === true)?.scope).toBe('Ctx');

    logger.setLogLevels(['warn', 'error']);
    expect(backend.log.level).toBe('warn');
    logger.setLogLevels([]);
    expect(backend.log.level).toBe('silent');
  });

  it('NestFactory.create(App, { logger: log }) with the podlog Logger itself starts and logs (no abort)', async () => {
    const receiver = await startReceiver();
    try {
      const run = await runTs(['test/integrations/frameworks/fixtures/nest-logger-direct.ts'], {
        env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint },
        timeoutMs: 25_000,
      });
      expect(run.stderr).toBe('');
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
      expect(run.stdout).toContain('started 200');
      const bodies = receiver.records().map((r) => String(r.body));
      expect(bodies).toContain('Starting Nest application... NestFactory');
      expect(bodies.some((b) => b.startsWith('loading order 7'))).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
