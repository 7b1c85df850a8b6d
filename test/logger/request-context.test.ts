import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  currentRequestContext,
  REQUEST_ID_ATTRIBUTE,
  RequestContext,
  runWithRequestContext,
} from '../../src/index.js';
import { createTestLogger } from '../../src/testing/index.js';
import { captureLogger } from '../helpers/record-capture.js';

describe('request context', () => {
  it('adds the context fields to records logged inside it, and only there', () => {
    const { logger, records } = createTestLogger();
    const ctx = new RequestContext({ 'tenant.id': 'acme' }, 'req-1');
    logger.info('before');
    runWithRequestContext(ctx, () => logger.info('inside', { n: 1 }));
    logger.info('after');
    expect(records.map((r) => r.attributes)).toEqual([
      {},
      { [REQUEST_ID_ATTRIBUTE]: 'req-1', 'tenant.id': 'acme', n: 1 },
      {},
    ]);
  });

  it('keeps an own __proto__ key of the fields (e.g. from JSON.parse) as an attribute, like a binding', () => {
    const { logger, records } = createTestLogger();
    const fields = JSON.parse('{"__proto__": {"polluted": true}, "tenant.id": "acme"}');
    runWithRequestContext(new RequestContext(fields, 'req-p'), () => logger.info('inside'));
    logger.child(fields).info('bound');
    expect(records[0].attributes).toEqual({
      [REQUEST_ID_ATTRIBUTE]: 'req-p',
      ['__proto__']: { polluted: true },
      'tenant.id': 'acme',
    });
    expect(Object.keys(records[0].attributes)).toEqual([REQUEST_ID_ATTRIBUTE, '__proto__', 'tenant.id']);
    expect(Object.keys(records[1].attributes)).toEqual(['__proto__', 'tenant.id']);
  });

  it('is seen by child loggers, events and after await', async () => {
    const { logger, records } = createTestLogger();
    const child = logger.child({ component: 'db' });
    await runWithRequestContext(new RequestContext({}, 'r2'), async () => {
      await delay(1);
      child.warn('slow query');
      logger.event('order.placed', { orderId: 7 });
      expect(currentRequestContext()?.requestId).toBe('r2');
    });
    expect(currentRequestContext()).toBeUndefined();
    expect(records[0].attributes).toEqual({ component: 'db', [REQUEST_ID_ATTRIBUTE]: 'r2' });
    expect(records[1]).toMatchObject({
      eventName: 'order.placed',
      attributes: { [REQUEST_ID_ATTRIBUTE]: 'r2', orderId: 7 },
    });
  });

  it('orders keys: bindings, then context (replacing a binding), then call fields (replacing both)', () => {
    const { logger, records } = createTestLogger();
    const child = logger.child({ a: 'binding', [REQUEST_ID_ATTRIBUTE]: 'from-child', z: 1 });
    const ctx = new RequestContext({ b: 'context' }, 'from-context');
    runWithRequestContext(ctx, () => {
      child.info('one');
      child.info('two', { b: 'call', a: 'call' });
    });
    expect(Object.entries(records[0].attributes)).toEqual([
      ['a', 'binding'],
      ['z', 1],
      [REQUEST_ID_ATTRIBUTE, 'from-context'],
      ['b', 'context'],
    ]);
    expect(records[1].attributes).toEqual({
      z: 1,
      [REQUEST_ID_ATTRIBUTE]: 'from-context',
      b: 'call',
      a: 'call',
    });
    expect(Object.keys(records[1].attributes)).toHaveLength(4);
  });

  it('never leaks between concurrent interleaved requests', async () => {
    const { logger, records } = createTestLogger();
    const N = 50;
    const handle = (i: number) =>
      runWithRequestContext(new RequestContext({ seq: i }, `req-${i}`), async () => {
        for (let step = 0; step < 5; step++) {
          // Different delays make the requests' steps interleave.
          await delay((i * 7 + step * 3) % 5);
          logger.info('step', { step, expected: `req-${i}` });
        }
      });
    await Promise.all(Array.from({ length: N }, (_, i) => handle(i)));
    expect(records).toHaveLength(N * 5);
    // Interleaved for real: the records are not grouped per request.
    const order = records.map((r) => r.attributes[REQUEST_ID_ATTRIBUTE]);
    expect(order.slice(0, N)).not.toEqual(Array(N).fill(order[0]));
    for (const r of records) {
      expect(r.attributes[REQUEST_ID_ATTRIBUTE]).toBe(r.attributes.expected);
      expect(`req-${r.attributes.seq}`).toBe(r.attributes.expected);
    }
  });

  it('redacts and bounds context fields like any fields', () => {
    const { logger, records } = createTestLogger({ limits: { maxStringLength: 16 } });
    const ctx = new RequestContext({ authorization: 'Bearer secret-token', long: 'x'.repeat(100) }, 'id');
    runWithRequestContext(ctx, () => logger.info('x'));
    const a = records[0].attributes;
    expect(JSON.stringify(a)).not.toContain('secret-token');
    expect(String(a.long).length).toBeLessThan(30);
    expect(a['podlog.truncated']).toBe(true);
  });

  it('encodes once per logger core, and separately for loggers with other redaction', () => {
    const a = createTestLogger();
    const b = createTestLogger({ redact: ['tenant'] });
    const ctx = new RequestContext({ tenant: 'acme' });
    runWithRequestContext(ctx, () => {
      a.logger.info('1');
      b.logger.info('2');
      a.logger.info('3');
      b.logger.info('4');
    });
    expect(a.records.map((r) => r.attributes.tenant)).toEqual(['acme', 'acme']);
    expect(b.records.map((r) => r.attributes.tenant)).not.toContain('acme');
    expect(b.records).toHaveLength(2);
  });

  it('copies and freezes the fields; bad values are made safe', () => {
    const { logger, records } = createTestLogger();
    const fields: Record<string, unknown> = { big: 10n, circ: {} };
    (fields.circ as Record<string, unknown>).self = fields.circ;
    Object.defineProperty(fields, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const ctx = new RequestContext(fields);
    fields.big = 'changed';
    expect(Object.isFrozen(ctx.fields)).toBe(true);
    runWithRequestContext(ctx, () => logger.info('x'));
    expect(records[0].attributes.big).toBe(10);
    expect(records[0].attributes.boom).toBe('[Unserializable]');
    expect(JSON.stringify(records[0].attributes.circ)).toContain('[Circular]');
    expect(new RequestContext(null as never).fields).toEqual({});
  });

  it('nests: the innermost context wins, the outer one is back afterwards', () => {
    const { logger, records } = createTestLogger();
    runWithRequestContext(new RequestContext({}, 'outer'), () => {
      runWithRequestContext(new RequestContext({}, 'inner'), () => logger.info('a'));
      logger.info('b');
    });
    expect(records.map((r) => r.attributes[REQUEST_ID_ATTRIBUTE])).toEqual(['inner', 'outer']);
  });

  it('keeps a tail slot for helpers, undefined by default', () => {
    const ctx = new RequestContext();
    expect(ctx.tail).toBeUndefined();
    ctx.tail = 'x';
    expect(ctx.tail).toBe('x');
    expect(ctx.requestId).toBeUndefined();
  });

  it('counts context fields past maxAttributes as dropped, like bindings', () => {
    const { log, sink } = captureLogger({ limits: { maxAttributes: 3 } });
    const child = log.child({ a: 1, b: 2 });
    runWithRequestContext(new RequestContext({ c: 3, d: 4 }), () => child.info('x', { e: 5 }));
    const r = sink.last();
    expect(Object.keys(r.attributes)).toEqual(['a', 'b', 'c']);
    expect(r.droppedAttributesCount).toBe(2);
  });
});
