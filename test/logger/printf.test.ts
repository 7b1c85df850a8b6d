/**
 * printf-style messages against the REAL pino: podlog's body must be pino's `msg` for every
 * format string and arguments, except that podlog keeps what pino drops (arguments no
 * placeholder printed): scalars appended to the message, objects merged into the fields.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../helpers/record-capture.js';

/** A real pino writing to memory; returns the `msg` of one call. */
function pinoMsg(args: unknown[]): unknown {
  const lines: string[] = [];
  const p = pino({ base: null, timestamp: false }, { write: (s: string) => lines.push(s) });
  (p.info as (...a: unknown[]) => void)(...args);
  return JSON.parse(lines[0]).msg;
}

function podlogRecord(args: unknown[]) {
  const { log, sink } = captureLogger();
  (log.info as (...a: unknown[]) => void)(...args);
  return sink.last();
}

describe('printf like pino', () => {
  const exact: unknown[][] = [
    ['hello %s %d', 'world', 42],
    ['%s', { a: 1 }],
    ['%d items', '12'],
    ['%i items', 12.9],
    ['%f ratio', '1.5'],
    ['%j', { a: [1, 'x'] }],
    ['%o and %O', 'str', [1, 2]],
    ['%j', function named() {} as unknown],
    ['100%% sure %s', 'yes'],
    ['%d%d', 1, 2],
    ['ends with %'],
    ['%s', null],
    ['%s %s', undefined, 'b'],
    ['no args %s %d'],
    ['%j', 'quoted'],
    ['%s', Symbol('sym')],
    ['%d', Number.NaN],
    ['%s', 10n],
    ['%j', Symbol('sym')],
    ['%O', { toJSON: () => undefined }],
    ['%% %s %%%d', 'x', 3],
    ['%i%f%O', '7.9', '0.5', null],
  ];
  it.each(exact)('%j: body is pino msg', (...args) => {
    const r = podlogRecord(args);
    expect(r.body).toBe(pinoMsg(args));
    expect(r.attributes).toEqual({});
  });

  it('pino order with printf: log.info({ fields }, "took %dms", 12)', () => {
    const args = [{ route: '/x' }, 'took %dms for %s', 12, 'alice'];
    const r = podlogRecord(args);
    expect(r.body).toBe(pinoMsg(args));
    expect(r.body).toBe('took 12ms for alice');
    expect(r.attributes).toEqual({ route: '/x' });
  });

  it('an Error first with printf: log.error(err, "failed %s", id)', () => {
    const { log, sink } = captureLogger();
    log.error(new Error('boom'), 'failed %s', 'job-1');
    expect(sink.last().body).toBe('failed job-1');
    expect(sink.last().attributes['exception.message']).toBe('boom');
  });

  it('keeps what pino drops: extra scalars appended, extra objects merged into fields', () => {
    // pino: "order placed" and both objects lost.
    expect(pinoMsg(['order placed', { orderId: 1 }, { userId: 2 }])).toBe('order placed');
    let r = podlogRecord(['order placed', { orderId: 1 }, { userId: 2 }]);
    expect(r.body).toBe('order placed');
    expect(r.attributes).toEqual({ orderId: 1, userId: 2 });
    // pino: "hello world" and 42 lost.
    r = podlogRecord(['hello %s', 'world', 42]);
    expect(r.body).toBe('hello world 42');
    // A %d given null is left as written by pino; podlog keeps the null too.
    r = podlogRecord(['n=%d', null]);
    expect(r.body).toBe(`${pinoMsg(['n=%d', null])} null`);
    // An unknown %x takes an argument in pino without printing it.
    r = podlogRecord(['50% off', { sku: 'a' }]);
    expect(r.body).toBe('50% off');
    expect(r.attributes).toEqual({ sku: 'a' });
    // A trailing % is no placeholder.
    r = podlogRecord(['ends with %', 'x']);
    expect(r.body).toBe(`${pinoMsg(['ends with %', 'x'])} x`);
    // pino order: extra arguments after the message's placeholders.
    r = podlogRecord([{ a: 1 }, 'm %s', 'x', { b: 2 }, 7, new Error('late')]);
    expect(r.body).toBe('m x 7');
    expect(r.attributes).toMatchObject({ a: 1, b: 2, 'exception.message': 'late' });
  });

  it('property: with every argument printed, the body is exactly pino msg', () => {
    // Placeholders that always print their argument, with arguments they print.
    const token = fc.oneof(
      fc.constantFrom('a', ' ', '-', '%%', '{}', 'é'),
      fc.string({ maxLength: 5 }).filter((s) => !s.includes('%')),
    );
    const printed = fc.oneof(
      fc.tuple(
        fc.constant('%s'),
        fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
      ),
      fc.tuple(
        fc.constantFrom('%d', '%f', '%i'),
        fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean()),
      ),
      fc.tuple(
        fc.constantFrom('%j', '%o', '%O'),
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.constant(null),
          fc.array(fc.integer()),
          fc.dictionary(fc.string(), fc.integer()),
        ),
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(token, printed), { maxLength: 8 }), (parts) => {
        let f = '';
        const args: unknown[] = [];
        for (const p of parts) {
          if (typeof p === 'string') f += p;
          else {
            f += p[0];
            args.push(p[1]);
          }
        }
        const call = [f, ...args];
        expect(podlogRecord(call).body).toBe(pinoMsg(call));
      }),
      { numRuns: 300 },
    );
  });

  it('property: any arguments, nothing lost: pino msg is a prefix, arguments past the placeholders are kept', () => {
    const arg = fc.oneof(
      fc.integer({ min: 1000, max: 9999 }),
      fc.string({ minLength: 1, maxLength: 6 }).map((s) => `S${s}`),
      fc.integer({ min: 0, max: 1e6 }).map((n) => ({ [`k${n}`]: n })),
    );
    // Each spec and how many arguments it takes (pino moves past one for an unknown `% `).
    const spec = fc.constantFrom(
      ['%s', 1],
      ['%d', 1],
      ['%j', 1],
      ['%i', 1],
      ['%o', 1],
      ['x', 0],
      [' ', 0],
      ['%%', 0],
      ['% ', 1],
    );
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 5 }), fc.array(arg, { maxLength: 6 }), (specs, args) => {
        const f = `m${specs.map((p) => p[0]).join('')}`;
        const taken = specs.reduce((n, p) => n + Number(p[1]), 0);
        const call = [f, ...args];
        const expected = String(pinoMsg(call));
        const r = podlogRecord(call);
        const body = String(r.body);
        expect(body.startsWith(expected)).toBe(true);
        for (const a of args.slice(taken)) {
          if (typeof a === 'object') {
            const [k, v] = Object.entries(a)[0];
            expect(r.attributes[k]).toBe(v);
          } else expect(body.slice(expected.length)).toContain(String(a));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('message forms without printf', () => {
  it('msg / message keys are the body when no message string is given', () => {
    const { log, sink } = captureLogger();
    log.info({ msg: 'from msg', a: 1 });
    expect(sink.last()).toMatchObject({ body: 'from msg', attributes: { a: 1 } });
    expect(sink.last().attributes.msg).toBeUndefined();
    log.info({ message: 'from message', b: 2 });
    expect(sink.last()).toMatchObject({ body: 'from message', attributes: { b: 2 } });
    log.info({ msg: 'kept as attribute' }, 'the message');
    expect(sink.last()).toMatchObject({ body: 'the message', attributes: { msg: 'kept as attribute' } });
  });

  it('a call without format characters keeps the old forms', () => {
    const { log, sink } = captureLogger();
    log.info('plain', { a: 1 });
    expect(sink.last()).toMatchObject({ body: 'plain', attributes: { a: 1 } });
    log.info({ a: 1 }, 'plain');
    expect(sink.last()).toMatchObject({ body: 'plain', attributes: { a: 1 } });
    log.info('count', 3);
    expect(sink.last().body).toBe('count 3');
    log.info(undefined, 'pino form');
    expect(sink.last().body).toBe('pino form');
  });

  it('hostile arguments never throw', () => {
    const { log, sink } = captureLogger();
    const bad = {
      toString() {
        throw new Error('no');
      },
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    log.info('%s %d %j', bad, bad, {
      get x() {
        throw new Error('getter');
      },
    });
    log.info('a', revoked.proxy, 1);
    log.info(
      '%j',
      (() => {
        const c: Record<string, unknown> = { n: 1n };
        c.self = c;
        return c;
      })(),
    );
    expect(sink.records).toHaveLength(3);
    expect(sink.decoded()[2].body).toBe('{"n":1,"self":"[Circular]"}');
  });
});
