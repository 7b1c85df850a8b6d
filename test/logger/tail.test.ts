import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, RequestContext, runWithRequestContext } from '../../src/index.js';
import type { TailBuffer } from '../../src/logger/index.js';
import { createLogger, EMIT_FOREIGN, type Logger } from '../../src/logger/index.js';
import { readClock } from '../../src/record/index.js';
import { createTestLogger } from '../../src/testing/index.js';
import { installContextManager } from '../helpers/otel-context.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';

/** Runs `fn` as one request: a context with an open tail buffer, ended with `failed`. */
async function request<T>(
  log: Logger,
  id: string,
  fn: () => Promise<T> | T,
  failed: (result: T) => boolean = () => false,
): Promise<T> {
  const ctx = new RequestContext({}, id);
  const buffer = log.openTail(ctx) as TailBuffer;
  const result = await runWithRequestContext(ctx, fn);
  buffer.end(failed(result));
  return result;
}

const ID = 'http.request.id';

describe('tail buffering', () => {
  it('runs serializers only for released calls; a record a serializer logs at release goes out on its own', async () => {
    let logger: Logger | undefined;
    let runs = 0;
    const created = createTestLogger({
      level: 'info',
      tail: { level: 'debug' },
      serializers: {
        cart: (v: unknown) => {
          runs += 1;
          logger?.info('serializer ran');
          return v;
        },
      },
    });
    logger = created.logger;
    await request(logger, 'r-ok', () => {
      logger?.debug('held', { cart: 1 });
    });
    // Held, then discarded with the request: never encoded, so its serializer never ran.
    expect(runs).toBe(0);
    expect(created.records).toEqual([]);
    await request(logger, 'r-failed', () => {
      logger?.debug('held', { cart: 2 });
      logger?.error('boom');
    });
    // Released before the error: the serializer ran then, and its own record was not taken into
    // the buffer (nothing is held while a released call is written).
    expect(runs).toBe(1);
    expect(created.records.map((r) => r.body)).toEqual(['serializer ran', 'held', 'boom']);
    expect(created.records[1]?.attributes.cart).toBe(2);
    expect(logger.stats().tail).toMatchObject({ buffered: 2, discarded: 1, released: 1, held: 0 });
  });

  it('releases a failing request’s debug records, in order, with their original times, before the error', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: { level: 'debug' } });
    let beforeError = 0n;
    await request(logger, 'r1', async () => {
      logger.debug('step 1', { n: 1 });
      await delay(5);
      logger.info('visible');
      logger.trace('too low for the tail');
      logger.debug('step 2', { n: 2 });
      await delay(5);
      // podlog's own clock (the one records are stamped with), read between the calls.
      const now = readClock({ ms: 0, nanos: 0 });
      beforeError = BigInt(now.ms) * 1_000_000n + BigInt(now.nanos);
      expect(records.map((r) => r.body)).toEqual(['visible']); // held until now
      logger.error('payment failed');
    });
    expect(records.map((r) => r.body)).toEqual(['visible', 'step 1', 'step 2', 'payment failed']);
    const [, s1, s2, err] = records;
    expect(s1?.level).toBe('debug');
    expect(s1?.attributes).toEqual({ [ID]: 'r1', n: 1 });
    // The times are the calls', not the release's.
    expect(s1!.timeUnixNano < s2!.timeUnixNano).toBe(true);
    expect(s2!.timeUnixNano < beforeError).toBe(true);
    expect(err!.timeUnixNano >= beforeError).toBe(true);
    expect(records[0]!.timeUnixNano < s2!.timeUnixNano).toBe(true);
    expect(logger.stats().tail).toEqual({
      buffered: 2,
      released: 2,
      discarded: 0,
      evicted: 0,
      held: 0,
      heldBytes: 0,
      open: 0,
    });
  });

  it('held calls keep every argument form (printf, fields first, an Error)', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: true });
    await request(logger, 'forms', () => {
      logger.debug('order %d for %s', 7, 'acme');
      logger.debug({ step: 'charge' }, 'charging');
      logger.debug(new Error('retrying'));
      logger.error('failed');
    });
    expect(records.map((r) => r.body)).toEqual(['order 7 for acme', 'charging', 'retrying', 'failed']);
    expect(records[1]?.attributes.step).toBe('charge');
    expect(records[2]?.attributes['exception.message']).toBe('retrying');
  });

  it('discards a successful request’s held records and counts them', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: true });
    await request(logger, 'ok', () => {
      logger.debug('a');
      logger.debug('b');
      logger.info('done');
    });
    expect(records.map((r) => r.body)).toEqual(['done']);
    expect(logger.stats().tail).toMatchObject({ buffered: 2, discarded: 2, released: 0, held: 0, open: 0 });
  });

  it('isLevelEnabled is true for a held level inside a request with a buffer, false elsewhere', async () => {
    const { logger } = createTestLogger({ level: 'info', tail: true });
    expect(logger.isLevelEnabled('debug')).toBe(false);
    await request(logger, 'guard', () => {
      expect(logger.isLevelEnabled('debug')).toBe(true);
      expect(logger.isLevelEnabled('trace')).toBe(false);
      expect(logger.isLevelEnabled('info')).toBe(true);
    });
    runWithRequestContext(new RequestContext(), () => expect(logger.isLevelEnabled('debug')).toBe(false));
  });

  it('holds nothing outside a request, or after the request ended', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: true });
    logger.debug('no request');
    const ctx = new RequestContext({}, 'late');
    const buffer = logger.openTail(ctx) as TailBuffer;
    buffer.end(false);
    runWithRequestContext(ctx, () => {
      logger.debug('after end');
      logger.error('after end, error');
    });
    expect(records.map((r) => r.body)).toEqual(['after end, error']);
    expect(logger.stats().tail.buffered).toBe(0);
  });

  it('a release level, flushContext(), and records after a release are held again', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: { releaseLevel: 'warn' } });
    await request(logger, 'w', () => {
      logger.debug('d1');
      logger.warn('w1');
      logger.debug('d2');
      logger.flushContext();
      logger.debug('d3');
    });
    expect(records.map((r) => r.body)).toEqual(['d1', 'w1', 'd2']);
    expect(logger.stats().tail).toMatchObject({ buffered: 3, released: 2, discarded: 1 });
  });

  it('holds events and integration records too; a level lowered at run time writes straight through', async () => {
    const { logger, records } = createTestLogger({ level: 'warn', tail: { level: 'info' } });
    await request(logger, 'e', () => {
      logger.event('cart.viewed', { items: 3 });
      logger[EMIT_FOREIGN]({ severityNumber: 9, severityText: 'INFO', body: 'from winston' });
      logger.debug('below the tail level');
      logger.setLevel('debug');
      logger.debug('now enabled');
      logger.setLevel('warn');
      logger.fatal('boom');
    });
    const bodies = records.map((r) => r.eventName || String(r.body));
    expect(bodies.filter((b) => !b.startsWith('podlog level changed'))).toEqual([
      'now enabled',
      'cart.viewed',
      'from winston',
      'boom',
    ]);
  });

  it('evicts a request’s oldest records past tail.maxRecords and counts them', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: { maxRecords: 3 } });
    await request(logger, 'big', () => {
      for (let i = 0; i < 10; i++) logger.debug(`d${i}`);
      logger.error('fail');
    });
    expect(records.map((r) => r.body)).toEqual(['d7', 'd8', 'd9', 'fail']);
    expect(logger.stats().tail).toMatchObject({ buffered: 10, evicted: 7, released: 3, held: 0 });
  });

  it('keeps every held record intact through evictions and arena compaction (records of many sizes)', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: { maxRecords: 7 } });
    const body = (i: number) => `r${i}:${'z'.repeat((i * 37) % 300)}`;
    await request(logger, 'sizes', () => {
      for (let i = 0; i < 500; i++) {
        logger.debug(body(i), { i });
        if (i % 97 === 0) logger.flushContext(); // releases mid-way: a fresh arena after each
      }
      logger.error('end');
    });
    const released = records.filter((r) => r.level === 'debug');
    // A model of the buffer: each flush (and the final error) releases the 7 newest held.
    const model: number[] = [];
    let held: number[] = [];
    for (let i = 0; i < 500; i++) {
      held = [...held, i].slice(-7);
      if (i % 97 === 0) {
        model.push(...held);
        held = [];
      }
    }
    model.push(...held);
    expect(released.map((r) => r.attributes.i)).toEqual(model);
    for (const r of released) expect(r.body).toBe(body(r.attributes.i as number));
    const t = logger.stats().tail;
    expect(t.buffered).toBe(t.released + t.evicted);
    expect(t.released).toBe(released.length);
  });

  it('reports evictions on the diagnostic channel, once per cause', async () => {
    const lines: string[] = [];
    const { logger } = createTestLogger({
      level: 'info',
      tail: { maxRecords: 2, maxTotalRecords: 3 },
      diagnostics: (line) => lines.push(line),
    });
    const a = new RequestContext({}, 'a');
    const b = new RequestContext({}, 'b');
    const bufA = logger.openTail(a) as TailBuffer;
    const bufB = logger.openTail(b) as TailBuffer;
    runWithRequestContext(a, () => {
      for (let i = 0; i < 5; i++) logger.debug(`a${i}`);
    });
    runWithRequestContext(b, () => {
      for (let i = 0; i < 2; i++) logger.debug(`b${i}`);
    });
    expect(lines.filter((l) => l.includes('tail.maxRecords/maxBytes'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('tail.maxTotalBytes/maxTotalRecords'))).toHaveLength(1);
    const t = logger.stats().tail;
    // A keeps 2 of its 5 (request cap: 3 evicted); B's second record takes the total to 4 > 3, and
    // the pool evicts down to 90 % of the cap (2 records): 2 more evicted.
    expect(t).toMatchObject({ held: 2, evicted: 5 });
    bufA.end(false);
    bufB.end(false);
  });

  it('evicts past tail.maxBytes', async () => {
    const { logger } = createTestLogger({ level: 'info', tail: { maxBytes: 1024 } });
    await request(logger, 'bytes', () => {
      for (let i = 0; i < 50; i++) logger.debug('x'.repeat(100));
      const tail = logger.stats().tail;
      expect(tail.heldBytes).toBeLessThanOrEqual(1024);
      expect(tail.heldBytes).toBeGreaterThan(1024 - 200);
      expect(tail.evicted).toBe(50 - tail.held);
    });
  });

  it('never leaks records between concurrent, interleaved requests', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: true });
    const N = 300;
    const fails = (i: number) => i % 3 === 0;
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        request(
          logger,
          `req-${i}`,
          async () => {
            for (let step = 0; step < 5; step++) {
              logger.debug(`req-${i} step ${step}`, { owner: i });
              // Interleave: every request yields at different points.
              await delay((i * 7 + step * 3) % 4);
            }
            if (fails(i)) logger.error(`req-${i} failed`, { owner: i });
            return fails(i);
          },
          (failed) => failed,
        ),
      ),
    );
    const byRequest = new Map<string, string[]>();
    for (const r of records) {
      const id = String(r.attributes[ID]);
      // Each record carries the context it was logged in, and the owner the call wrote.
      expect(id).toBe(`req-${r.attributes.owner}`);
      expect(String(r.body).startsWith(`${id} `)).toBe(true);
      byRequest.set(id, [...(byRequest.get(id) ?? []), String(r.body)]);
    }
    for (let i = 0; i < N; i++) {
      const id = `req-${i}`;
      if (fails(i)) {
        expect(byRequest.get(id)).toEqual(
          [0, 1, 2, 3, 4].map((s) => `${id} step ${s}`).concat(`${id} failed`),
        );
      } else expect(byRequest.has(id)).toBe(false);
    }
    const failing = Array.from({ length: N }, (_, i) => i).filter(fails).length;
    expect(logger.stats().tail).toEqual({
      buffered: N * 5,
      released: failing * 5,
      discarded: (N - failing) * 5,
      evicted: 0,
      held: 0,
      heldBytes: 0,
      open: 0,
    });
  });

  it('holds the total caps under 10,000 concurrent open requests, and returns to zero', async () => {
    const maxTotalBytes = 256 * 1024;
    const maxTotalRecords = 5_000;
    const { logger } = createTestLogger({
      level: 'info',
      tail: { maxTotalBytes, maxTotalRecords },
    });
    const N = 10_000;
    let worstBytes = 0;
    let worstRecords = 0;
    const open: Array<() => void> = [];
    const all = Array.from({ length: N }, (_, i) =>
      request(logger, `c${i}`, async () => {
        // Request i holds 1 + i % 5 records of different sizes, then waits for the end.
        for (let k = 0; k <= i % 5; k++) {
          logger.debug('payload', { i, k, pad: 'y'.repeat((i % 7) * 20) });
          const t = logger.stats().tail;
          worstBytes = Math.max(worstBytes, t.heldBytes);
          worstRecords = Math.max(worstRecords, t.held);
        }
        await new Promise<void>((resolve) => open.push(resolve));
      }),
    );
    // Every request is open and has logged; release them only now.
    await delay(0);
    for (let i = 0; open.length < N && i < 5_000; i++) await delay(1);
    expect(open.length).toBe(N);
    const during = logger.stats().tail;
    expect(during.open).toBe(N);
    expect(during.evicted).toBeGreaterThan(0);
    expect(worstBytes).toBeLessThanOrEqual(maxTotalBytes);
    expect(worstRecords).toBeLessThanOrEqual(maxTotalRecords);
    expect(during.buffered).toBe(during.released + during.discarded + during.evicted + during.held);
    for (const resolve of open) resolve();
    await Promise.all(all);
    const after = logger.stats().tail;
    expect(after).toMatchObject({ held: 0, heldBytes: 0, open: 0 });
    expect(after.buffered).toBe(after.discarded + after.evicted);
  }, 60_000);

  it('evicts from the largest buffers first when the total cap is passed', async () => {
    const { logger } = createTestLogger({
      level: 'info',
      tail: { maxRecords: 1000, maxBytes: 1024 * 1024, maxTotalRecords: 1000, maxTotalBytes: 1024 * 1024 },
    });
    const big = new RequestContext({}, 'big');
    const small = new RequestContext({}, 'small');
    const bigBuffer = logger.openTail(big) as TailBuffer;
    const smallBuffer = logger.openTail(small) as TailBuffer;
    runWithRequestContext(small, () => {
      for (let i = 0; i < 10; i++) logger.debug(`s${i}`);
    });
    runWithRequestContext(big, () => {
      for (let i = 0; i < 995; i++) logger.debug(`b${i}`);
    });
    // At 1001 held (10 + 991) the total cap is passed: the largest buffer is trimmed until 900
    // are held; the small one keeps all of its records.
    expect(logger.stats().tail.evicted).toBe(101);
    expect(smallBuffer.count).toBe(10);
    expect(bigBuffer.count).toBe(894);
    bigBuffer.end(false);
    smallBuffer.end(false);
  });

  it('a buffer whose request context was collected without end() is discarded, not held forever', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { logger } = createTestLogger({ level: 'info', tail: true });
    (() => {
      const ctx = new RequestContext({}, 'forgotten');
      logger.openTail(ctx);
      runWithRequestContext(ctx, () => logger.debug('held'));
    })();
    expect(logger.stats().tail).toMatchObject({ held: 1, open: 1 });
    for (let i = 0; i < 100 && logger.stats().tail.open > 0; i++) {
      gc();
      await delay(10);
    }
    expect(logger.stats().tail).toMatchObject({ buffered: 1, discarded: 1, held: 0, open: 0 });
  });

  it('shutdown() discards the buffers of requests still running', async () => {
    const { logger } = createTestLogger({ level: 'info', tail: true });
    const ctx = new RequestContext({}, 'running');
    logger.openTail(ctx);
    runWithRequestContext(ctx, () => logger.debug('held'));
    await logger.shutdown();
    expect(logger.stats().tail).toMatchObject({ buffered: 1, discarded: 1, held: 0, open: 0 });
  });

  it('openTail() is undefined without the tail option or outside a request context', () => {
    const { logger } = createTestLogger({ level: 'info' });
    expect(logger.openTail(new RequestContext())).toBeUndefined();
    const { logger: tailed } = createTestLogger({ level: 'info', tail: true });
    expect(tailed.openTail()).toBeUndefined();
    expect(tailed.stats().tail.buffered).toBe(0);
  });
});

describe('tail buffering through the real pipeline', () => {
  let receiver: TestReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
  });

  it('keeps accepted = exported + queued + spooled + dropped: a held record is accepted only when released', async () => {
    receiver = await startReceiver();
    const log = createLogger({
      endpoint: receiver.endpoint,
      env: {},
      stdout: false,
      diagnostics: false,
      serviceName: 'tail-test',
      tail: true,
    });
    await request(log, 'good', () => {
      log.debug('held, then discarded');
      log.info('kept');
    });
    await request(log, 'bad', () => {
      log.debug('held, then released');
      log.error('failed');
    });
    expect(log.stats().accepted).toBe(3);
    await log.flush();
    const s = log.stats();
    expect(s).toMatchObject({ accepted: 3, exported: 3, queued: 0, spooled: 0 });
    expect(s.dropped.total).toBe(0);
    expect(s.tail).toMatchObject({ buffered: 2, released: 1, discarded: 1 });
    expect(s.sampledOut).toBe(0);
    expect(receiver.records().map((r) => r.body)).toEqual(['kept', 'held, then released', 'failed']);
    await log.shutdown();
  });
});

describe('tail options', () => {
  const bad: Array<[unknown, string]> = [
    ['yes', 'tail'],
    [{ level: 'verbose' }, 'tail.level'],
    [{ level: 'error', releaseLevel: 'warn' }, 'tail.releaseLevel'],
    [{ maxRecords: 0 }, 'tail.maxRecords'],
    [{ maxBytes: 10 }, 'tail.maxBytes'],
    [{ maxRecords: 100, maxTotalRecords: 10 }, 'tail.maxTotalRecords'],
    [{ slowMs: -1 }, 'tail.slowMs'],
  ];
  for (const [value, option] of bad) {
    it(`refuses tail: ${JSON.stringify(value)} naming ${option}`, () => {
      const make = () => createTestLogger({ tail: value as never });
      expect(make).toThrow(InvalidOptionError);
      expect(make).toThrow(option);
    });
  }

  it('refuses an unknown key with a suggestion', () => {
    expect(() => createTestLogger({ tail: { maxRecord: 5 } as never })).toThrow(/maxRecords/);
  });
});

describe('tail buffering: a held call is encoded at release, as the call saw it', () => {
  let uninstall: () => void;
  beforeAll(() => {
    uninstall = installContextManager();
  });
  afterAll(() => uninstall());

  it('keeps the span, request fields, bindings and time of the call, not of the release', async () => {
    const tracer = new BasicTracerProvider().getTracer('held');
    const { logger, records } = createTestLogger({ level: 'info', tail: true });
    const child = logger.child({ part: 'before' });
    const ctx = new RequestContext({ route: '/held' }, 'r-held');
    const buffer = logger.openTail(ctx) as TailBuffer;
    let callSpan: { traceId: string; spanId: string } | undefined;
    let calledAt = 0n;
    runWithRequestContext(ctx, () =>
      tracer.startActiveSpan('call', (span) => {
        callSpan = span.spanContext();
        const t = readClock({ ms: 0, nanos: 0 });
        calledAt = BigInt(t.ms) * 1_000_000n + BigInt(t.nanos);
        child.debug('held in a span');
        span.end();
      }),
    );
    child.setBindings({ part: 'after' });
    await delay(5);
    // Released outside the request's context and outside its span.
    buffer.end(true);
    expect(records).toHaveLength(1);
    const r = records[0] as (typeof records)[number];
    expect(r.body).toBe('held in a span');
    expect(r.traceId).toBe(callSpan?.traceId);
    expect(r.spanId).toBe(callSpan?.spanId);
    expect(r.attributes[ID]).toBe('r-held');
    expect(r.attributes.route).toBe('/held');
    expect(r.attributes.part).toBe('before');
    // The call's time, not the release's 5 ms later.
    expect(r.timeUnixNano).toBeGreaterThanOrEqual(calledAt);
    expect(r.timeUnixNano - calledAt).toBeLessThan(5_000_000n);
  });

  it('shows an object mutated after the call as it is at release (documented)', async () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: true });
    const cart = { items: 1 };
    await request(
      logger,
      'r-mutated',
      () => {
        logger.debug('cart', cart);
        cart.items = 2;
      },
      () => true,
    );
    expect(records.map((r) => r.attributes.items)).toEqual([2]);
  });

  it('estimates bytes without walking objects: strings by length, an object as 128 B', async () => {
    const { logger } = createTestLogger({ level: 'info', tail: true });
    await request(logger, 'r-size', () => {
      logger.debug('x'.repeat(100));
      logger.debug('y', { big: 'z'.repeat(10_000) });
      // 96 per entry; 100 + 8 (no second argument); 1 + 128 (the object, not walked).
      expect(logger.stats().tail.heldBytes).toBe(96 + 100 + 8 + 96 + 1 + 128);
    });
  });
});
