import { createTestLogger } from 'podlog/testing';
import { describe, expect, it } from 'vitest';

describe('createTestLogger: a real logger that captures records in memory', () => {
  it('captures body, level, severity, attributes, resource, scope and time', () => {
    const before = Date.now();
    const { logger, records } = createTestLogger({ serviceName: 'checkout', name: 'orders' });
    logger.info('order placed', { orderId: 42, total: 9.5, tags: ['new'], paid: true });
    expect(records).toHaveLength(1);
    const [r] = records;
    expect(r).toMatchObject({
      level: 'info',
      severityNumber: 9,
      severityText: 'INFO',
      body: 'order placed',
      attributes: { orderId: 42, total: 9.5, tags: ['new'], paid: true },
      scope: 'orders',
      traceId: '',
      spanId: '',
      eventName: '',
    });
    expect(r.resource['service.name']).toBe('checkout');
    expect(r.time).toBeInstanceOf(Date);
    expect(r.time.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(r.time.getTime()).toBeLessThanOrEqual(Date.now() + 1);
    expect(typeof r.timeUnixNano).toBe('bigint');
  });

  it('captures every level by default and honours an explicit level', () => {
    const all = createTestLogger();
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)
      all.logger[level](level);
    expect(all.records.map((r) => [r.level, r.severityNumber])).toEqual([
      ['trace', 1],
      ['debug', 5],
      ['info', 9],
      ['warn', 13],
      ['error', 17],
      ['fatal', 21],
    ]);
    const warnOnly = createTestLogger({ level: 'warn' });
    warnOnly.logger.info('hidden');
    warnOnly.logger.warn('shown');
    expect(warnOnly.records.map((r) => r.body)).toEqual(['shown']);
  });

  it('carries child bindings on every record of the child', () => {
    const { logger, records } = createTestLogger();
    const req = logger.child({ requestId: 'r-1' });
    req.child({ route: '/orders' }).info('handled', { status: 201 });
    logger.info('outside');
    expect(records[0].attributes).toEqual({ requestId: 'r-1', route: '/orders', status: 201 });
    expect(records[1].attributes).toEqual({});
  });

  it('find filters by level and body (substring or RegExp); clear empties the live array', () => {
    const { logger, records, find, clear } = createTestLogger();
    logger.info('user signed in', { user: 'ada' });
    logger.warn('disk almost full');
    logger.info('user signed out');
    expect(find('info').map((r) => r.body)).toEqual(['user signed in', 'user signed out']);
    expect(find(undefined, 'disk').map((r) => r.level)).toEqual(['warn']);
    expect(find('info', /signed (in|out)/g).length).toBe(2);
    expect(find('info', /signed (in|out)/g).length).toBe(2); // a /g pattern holds no state between calls
    expect(find('error')).toEqual([]);
    const live = records;
    clear();
    expect(live).toHaveLength(0);
    logger.info('again');
    expect(live.map((r) => r.body)).toEqual(['again']);
  });

  it('is isolated from the machine: no env, no network, stats account for every record', async () => {
    const { logger } = createTestLogger();
    logger.info('a');
    logger.debug('b');
    await logger.flush();
    const s = logger.stats();
    expect(s.accepted).toBe(2);
    expect(s.exported).toBe(2);
    expect(s.dropped.total).toBe(0);
    await logger.shutdown();
    logger.info('late');
    expect(logger.stats().dropped.after_shutdown).toBe(1);
  });
});

describe('capture sink accounting', () => {
  it('counts a record the facade could not encode as accepted and dropped encode_error', async () => {
    const { createCaptureSink } = await import('../../src/testing/test-logger.js');
    const seen: unknown[] = [];
    const sink = createCaptureSink((r) => seen.push(r));
    sink.discard?.('encode_error');
    const s = sink.stats();
    expect(s.accepted).toBe(1);
    expect(s.dropped.encode_error).toBe(1);
    expect(s.accepted + s.recovered).toBe(s.exported + s.queued + s.spooled + s.dropped.total);
    expect(seen).toEqual([]);
  });
});
