import { describe, expect, it } from 'vitest';
import type { DecodedLogRecord } from '../../src/otlp/index.js';
import { decodeLogRecord } from '../../src/otlp/index.js';
import {
  DEFAULT_VALUE_LIMITS,
  encodeBindings,
  encodeRecord,
  type RecordInput,
  Redactor,
  type ValueLimits,
} from '../../src/record/index.js';

const NO_REDACTION = new Redactor({ defaults: false, keys: [], paths: [] });

function encode(
  fields: Record<string, unknown>,
  extra: Partial<RecordInput> = {},
  limits: Partial<ValueLimits> = {},
  redactor = NO_REDACTION,
): DecodedLogRecord {
  const bytes = encodeRecord(
    {
      timeUnixNano: 1_764_237_600_123_456_789n,
      observedTimeUnixNano: 1_764_237_600_123_456_999n,
      severityNumber: 9,
      severityText: 'INFO',
      fields,
      ...extra,
    },
    { ...DEFAULT_VALUE_LIMITS, ...limits },
    redactor,
  );
  return decodeLogRecord(bytes, { ints: 'bigint' });
}

describe('values → AnyValue', () => {
  it('maps primitives: string, bool, safe ints → int, other numbers → double', () => {
    const r = encode({
      s: 'x',
      t: true,
      f: false,
      i: 42,
      neg: -7,
      big: 2 ** 53 - 1,
      d: 1.5,
      nan: Number.NaN,
      inf: -Infinity,
      unsafe: 2 ** 60,
    });
    expect(r.attributes).toMatchObject({
      s: 'x',
      t: true,
      f: false,
      i: 42n,
      neg: -7n,
      big: 2n ** 53n - 1n,
      d: 1.5,
      inf: -Infinity,
      unsafe: 2 ** 60,
    });
    expect(r.attributes.nan).toBeNaN();
  });

  it('maps bigint within int64 to int, outside to string', () => {
    const r = encode({ a: 2n ** 63n - 1n, b: -(2n ** 63n), c: 2n ** 63n, d: -(2n ** 64n) });
    expect(r.attributes).toEqual({
      a: 2n ** 63n - 1n,
      b: -(2n ** 63n),
      c: String(2n ** 63n),
      d: String(-(2n ** 64n)),
    });
  });

  it('maps Buffer/Uint8Array to bytes, arrays and Sets to arrays, objects and Maps to kvlists', () => {
    const r = encode({
      buf: Buffer.from([1, 2, 3]),
      u8: new Uint8Array([9]),
      arr: [1, 'two', [3]],
      set: new Set(['a', 'b']),
      obj: { x: { y: 1 } },
      map: new Map<unknown, unknown>([
        ['k', 1],
        [2, 'two'],
      ]),
    });
    expect(r.attributes.buf).toEqual(new Uint8Array([1, 2, 3]));
    expect(r.attributes.u8).toEqual(new Uint8Array([9]));
    expect(r.attributes.arr).toEqual([1n, 'two', [3n]]);
    expect(r.attributes.set).toEqual(['a', 'b']);
    expect(r.attributes.obj).toEqual({ x: { y: 1n } });
    expect(r.attributes.map).toEqual({ k: 1n, 2: 'two' });
  });

  it('maps Date to ISO string, URL to string, drops undefined, keeps null as an empty value', () => {
    const r = encode({
      date: new Date('2024-01-02T03:04:05.678Z'),
      bad: new Date(Number.NaN),
      url: new URL('https://example.com/a?b=1'),
      gone: undefined,
      nil: null,
    });
    expect(r.attributes).toEqual({
      date: '2024-01-02T03:04:05.678Z',
      bad: 'Invalid Date',
      url: 'https://example.com/a?b=1',
      nil: null,
    });
    expect('gone' in r.attributes).toBe(false);
  });

  it('uses toJSON when present, and "[Unserializable]" when it throws', () => {
    const r = encode({
      money: { toJSON: () => ({ amount: '1.50', currency: 'EUR' }) },
      bad: {
        toJSON() {
          throw new Error('nope');
        },
      },
    });
    expect(r.attributes.money).toEqual({ amount: '1.50', currency: 'EUR' });
    expect(r.attributes.bad).toBe('[Unserializable]');
  });

  it('writes "[Circular]" for cycles, including through the fields object itself', () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b = { a, list: [] as unknown[] };
    a.b = b;
    b.list.push(b, a);
    const fields: Record<string, unknown> = { a };
    fields.self = fields;
    const r = encode(fields);
    expect(r.attributes.self).toBe('[Circular]');
    expect(r.attributes.a).toEqual({ name: 'a', b: { a: '[Circular]', list: ['[Circular]', '[Circular]'] } });
  });

  it('keeps shared (non-cyclic) references', () => {
    const shared = { v: 1 };
    expect(encode({ x: shared, y: [shared, shared] }).attributes).toEqual({
      x: { v: 1n },
      y: [{ v: 1n }, { v: 1n }],
    });
  });

  it('writes "[Truncated]" past the depth limit and marks the record', () => {
    const deep = { l1: { l2: { l3: { l4: 'x' } } } };
    const r = encode({ deep }, {}, { maxDepth: 3 });
    // The attribute value is level 1: three levels of objects are kept, the fourth is cut.
    expect(r.attributes.deep).toEqual({ l1: { l2: { l3: '[Truncated]' } } });
    expect(r.attributes['podlog.truncated']).toBe(true);
    const ok = encode({ deep });
    expect(ok.attributes.deep).toEqual(deep);
    expect(ok.attributes['podlog.truncated']).toBeUndefined();
  });

  it('cuts long strings (also the body) without splitting a surrogate pair, and says so', () => {
    const r = encode(
      { s: 'a'.repeat(100), emoji: `${'b'.repeat(19)}😀tail` },
      { body: 'c'.repeat(50) },
      { maxStringLength: 20 },
    );
    expect(r.attributes.s).toBe(`${'a'.repeat(20)}…`);
    expect(r.attributes.emoji).toBe(`${'b'.repeat(19)}…`);
    expect(r.body).toBe(`${'c'.repeat(20)}…`);
    expect(r.attributes['podlog.truncated']).toBe(true);
  });

  it('writes "[Unserializable]" for throwing getters and revoked Proxies, and keeps the rest', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const r = encode({ getter, proxy, trap, after: 'kept', nested: { deeper: [1, proxy, 3] } });
    expect(r.attributes).toEqual({
      getter: { ok: 1n, boom: '[Unserializable]' },
      proxy: '[Unserializable]',
      trap: '[Unserializable]',
      after: 'kept',
      nested: { deeper: [1n, '[Unserializable]', 3n] },
    });
  });

  it('never lets a key like __proto__ pollute anything', () => {
    const evil = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    );
    const r = encode({ evil, nested: { evil } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(r.attributes.evil)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(r.attributes.evil)).toBe(Object.prototype);
  });

  it('writes lone surrogates as U+FFFD (valid UTF-8 on the wire)', () => {
    const r = encode({ k: 'a\ud800b', '\udc00key': 'v' }, { body: 'x\ud83d' });
    expect(r.attributes.k).toBe('a\ufffdb');
    expect(r.attributes['\ufffdkey']).toBe('v');
    expect(r.body).toBe('x\ufffd');
  });
});

describe('errors → exception.*', () => {
  it('flattens the first top-level Error into exception.* attributes, with cause chain and own props', () => {
    const root = new RangeError('root cause');
    const err = Object.assign(new Error('outer', { cause: root }), { code: 'E_OUTER', status: 503 });
    const r = encode({ err, other: 1 });
    expect(r.attributes['exception.type']).toBe('Error');
    expect(r.attributes['exception.message']).toBe('outer');
    expect(r.attributes['exception.stacktrace']).toContain('Error: outer');
    expect(r.attributes['exception.code']).toBe('E_OUTER');
    expect(r.attributes['exception.status']).toBe(503n);
    expect(r.attributes['exception.cause']).toMatchObject({
      'exception.type': 'RangeError',
      'exception.message': 'root cause',
    });
    expect(r.attributes.other).toBe(1n);
    expect('err' in r.attributes).toBe(false);
  });

  it('keeps AggregateError.errors and uses the class name (or a custom name) as the type', () => {
    class PaymentError extends Error {}
    const named = new Error('n');
    named.name = 'ValidationError';
    const agg = new AggregateError([new PaymentError('p'), named], 'several');
    const r = encode({}, { exception: agg });
    expect(r.attributes['exception.type']).toBe('AggregateError');
    expect(r.attributes['exception.errors']).toMatchObject([
      { 'exception.type': 'PaymentError', 'exception.message': 'p' },
      { 'exception.type': 'ValidationError', 'exception.message': 'n' },
    ]);
  });

  it('encodes nested Errors (and a second top-level one) as kvlists with the same keys', () => {
    const r = encode({ first: new Error('a'), second: new TypeError('b'), deep: { e: new Error('c') } });
    expect(r.attributes['exception.message']).toBe('a');
    expect(r.attributes.second).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'b' });
    expect(r.attributes.deep).toMatchObject({ e: { 'exception.message': 'c' } });
  });

  it('survives a self-referencing cause and a throwing message getter', () => {
    const err = new Error('loop') as Error & { cause?: unknown };
    err.cause = err;
    const weird = new Error('x');
    Object.defineProperty(weird, 'message', {
      get() {
        throw new Error('no');
      },
    });
    const r = encode({ weird }, { exception: err });
    expect(r.attributes['exception.cause']).toBe('[Circular]');
    expect(r.attributes.weird).toMatchObject({ 'exception.message': '[Unserializable]' });
  });
});

describe('attribute limit', () => {
  it('keeps the first N attributes and counts the rest in dropped_attributes_count', () => {
    const fields = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    const r = encode(fields, {}, { maxAttributes: 4 });
    expect(Object.keys(r.attributes)).toEqual(['k0', 'k1', 'k2', 'k3']);
    expect(r.droppedAttributesCount).toBe(6);
  });

  it('counts bindings and exception attributes against the limit too', () => {
    const bindings = encodeBindings({ a: 1, b: 2 });
    const r = encode({ c: 3, d: 4 }, { bindings, exception: new Error('e') }, { maxAttributes: 4 });
    expect(Object.keys(r.attributes)).toEqual(['a', 'b', 'exception.type', 'exception.message']);
    expect(r.droppedAttributesCount).toBe(3); // stacktrace, c, d
  });

  it('defaults to 128', () => {
    const fields = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`k${i}`, i]));
    const r = encode(fields);
    expect(Object.keys(r.attributes)).toHaveLength(128);
    expect(r.droppedAttributesCount).toBe(2);
  });
});

describe('bindings', () => {
  it('are written before fields; a field of the same key replaces the binding (not counted as dropped)', () => {
    const parent = encodeBindings({ service: 'a', req: 1 });
    const child = encodeBindings({ req: 2, user: 'u' }, parent);
    expect(child.keys).toEqual(['service', 'req', 'user']);
    const r = encode({ user: 'override', extra: true }, { bindings: child });
    expect(r.attributes).toEqual({ service: 'a', req: 2n, user: 'override', extra: true });
    expect(r.droppedAttributesCount).toBe(0);
  });

  it('with an override and the attribute limit, counts only what did not fit (each call on its own)', () => {
    const bindings = encodeBindings({ a: 1, b: 2, c: 3 });
    const r = encode({ b: 'field' }, { bindings }, { maxAttributes: 1 });
    expect(r.attributes).toEqual({ a: 1n });
    expect(r.droppedAttributesCount).toBe(2); // binding c, field b (binding b was replaced, not dropped)
    const next = encode({}, { bindings }, { maxAttributes: 1 });
    expect(next.droppedAttributesCount).toBe(2); // b, c
  });

  it('a getter that encodes other bindings while these are encoded does not disturb either (the spare writer is borrowed, not shared)', () => {
    let inner: ReturnType<typeof encodeBindings> | undefined;
    const outer = encodeBindings({
      first: 'x'.repeat(50),
      // Read while `nested` itself is being written: its first key is already in the writer.
      nested: {
        a: 'before',
        get b() {
          inner = encodeBindings({ k: 'inner value', n: 7 });
          return 'after';
        },
      },
      last: 'y'.repeat(50),
    });
    expect(encode({}, { bindings: outer }).attributes).toEqual({
      first: 'x'.repeat(50),
      nested: { a: 'before', b: 'after' },
      last: 'y'.repeat(50),
    });
    expect(encode({}, { bindings: inner }).attributes).toEqual({ k: 'inner value', n: 7n });
    // And the writer kept for the next call starts clean.
    expect(encode({}, { bindings: encodeBindings({ z: 1 }) }).attributes).toEqual({ z: 1n });
  });

  it('undefined in a child unbinds the key', () => {
    const child = encodeBindings({ a: undefined }, encodeBindings({ a: 1, b: 2 }));
    expect(encode({}, { bindings: child }).attributes).toEqual({ b: 2n });
  });
});

describe('record fields', () => {
  it('writes times, severity, event name, trace ids (hex or bytes), flags', () => {
    const r = encode(
      {},
      {
        traceId: '0102030405060708090a0b0c0d0e0f10',
        spanId: Buffer.from('1112131415161718', 'hex'),
        flags: 1,
        eventName: 'order.placed',
      },
    );
    expect(r.timeUnixNano).toBe(1_764_237_600_123_456_789n);
    expect(r.observedTimeUnixNano).toBe(1_764_237_600_123_456_999n);
    expect(r.severityNumber).toBe(9);
    expect(r.severityText).toBe('INFO');
    expect(r.traceId).toBe('0102030405060708090a0b0c0d0e0f10');
    expect(r.spanId).toBe('1112131415161718');
    expect(r.flags).toBe(1);
    expect(r.eventName).toBe('order.placed');
  });

  it('skips invalid or all-zero trace ids', () => {
    const r = encode({}, { traceId: '0'.repeat(32), spanId: 'zz'.repeat(8) });
    expect(r.traceId).toBe('');
    expect(r.spanId).toBe('');
  });

  it('a log call from inside a getter (re-entrant encoding) does not corrupt either record', () => {
    let inner: DecodedLogRecord | undefined;
    const sneaky = {
      get v() {
        inner = encode({ innerKey: 'inner'.repeat(50) }, { body: 'inner body' });
        return 'outer value';
      },
    };
    const r = encode({ before: 1, sneaky, after: 2 }, { body: 'outer body' });
    expect(r.body).toBe('outer body');
    expect(r.attributes).toEqual({ before: 1n, sneaky: { v: 'outer value' }, after: 2n });
    expect(inner?.attributes).toEqual({ innerKey: 'inner'.repeat(50) });
  });
});
