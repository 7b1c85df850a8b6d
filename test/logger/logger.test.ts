import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { silentDiag } from '../../src/diag.js';
import { InvalidOptionError } from '../../src/errors.js';
import { buildLogger, withHooks } from '../../src/logger/index.js';
import type { EncodedRecord } from '../../src/record/index.js';
import { captureLogger } from '../helpers/record-capture.js';

describe('argument forms', () => {
  it("podlog's order: (message, fields)", () => {
    const { log, sink } = captureLogger();
    log.info('order placed', { orderId: 42 });
    const r = sink.last();
    expect(r.body).toBe('order placed');
    expect(r.attributes).toEqual({ orderId: 42 });
    expect(r.severityNumber).toBe(9);
    expect(r.severityText).toBe('INFO');
  });

  it("pino's order: (fields, message?)", () => {
    const { log, sink } = captureLogger();
    log.info({ orderId: 42 }, 'order placed');
    expect(sink.last()).toMatchObject({ body: 'order placed', attributes: { orderId: 42 } });
    log.info({ only: 'fields' });
    expect(sink.last().body).toBeUndefined();
    expect(sink.last().attributes).toEqual({ only: 'fields' });
  });

  it('an Error first: its message is the body, exception.* attributes are set', () => {
    const { log, sink } = captureLogger();
    const err = Object.assign(new TypeError('bad input'), { code: 'E_BAD' });
    log.error(err);
    expect(sink.last()).toMatchObject({
      body: 'bad input',
      severityText: 'ERROR',
      attributes: {
        'exception.type': 'TypeError',
        'exception.message': 'bad input',
        'exception.code': 'E_BAD',
      },
    });
    expect(sink.last().attributes['exception.stacktrace']).toContain('TypeError: bad input');
    log.error(err, 'while parsing');
    expect(sink.last().body).toBe('while parsing');
    log.error(err, { file: 'a.json' });
    expect(sink.last()).toMatchObject({
      body: 'bad input',
      attributes: { file: 'a.json', 'exception.code': 'E_BAD' },
    });
    log.error('failed to parse', err);
    expect(sink.last()).toMatchObject({
      body: 'failed to parse',
      attributes: { 'exception.type': 'TypeError' },
    });
  });

  it('odd arguments never throw and keep their data', () => {
    const { log, sink } = captureLogger();
    log.info('count', 3 as never);
    expect(sink.last().body).toBe('count 3');
    log.info(42 as never);
    expect(sink.last().body).toBe(42);
    log.info(undefined as never);
    log.info(null as never, null as never);
    log.info([1, 2] as never);
    expect(sink.last().body).toEqual([1, 2]);
    log.info(Symbol('s') as never, { a: 1 });
    expect(sink.last()).toMatchObject({ body: 'Symbol(s)', attributes: { a: 1 } });
    expect(sink.records).toHaveLength(6);
  });

  it('works when the method is detached (promise.catch(log.error))', async () => {
    const { log, sink } = captureLogger();
    await Promise.reject(new Error('lost')).catch(log.error);
    expect(sink.last().body).toBe('lost');
  });
});

describe('levels', () => {
  it('maps levels to OTel severity numbers and text', () => {
    const { log, sink } = captureLogger({ level: 'trace' });
    for (const l of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) log[l]('x');
    expect(sink.decoded().map((r) => [r.severityNumber, r.severityText])).toEqual([
      [1, 'TRACE'],
      [5, 'DEBUG'],
      [9, 'INFO'],
      [13, 'WARN'],
      [17, 'ERROR'],
      [21, 'FATAL'],
    ]);
  });

  it('drops calls below the level; level can be read and set at run time', () => {
    const { log, sink } = captureLogger();
    expect(log.level).toBe('info');
    log.debug('hidden');
    expect(sink.records).toHaveLength(0);
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(log.isLevelEnabled('info')).toBe(true);
    log.level = 'debug';
    log.debug('shown');
    expect(sink.records).toHaveLength(1);
    log.level = 'silent';
    log.fatal('nothing');
    expect(log.isLevelEnabled('fatal')).toBe(false);
    expect(sink.records).toHaveLength(1);
  });

  it('PODLOG_LEVEL sets the start level; the option wins', () => {
    expect(captureLogger({ env: { PODLOG_LEVEL: 'WARN' } }).log.level).toBe('warn');
    expect(captureLogger({ env: { PODLOG_LEVEL: 'warn' }, level: 'debug' }).log.level).toBe('debug');
  });

  it('rejects an unknown level with InvalidOptionError', () => {
    const { log } = captureLogger();
    expect(() => {
      log.level = 'verbose' as never;
    }).toThrow(InvalidOptionError);
    expect(() => log.child({}, { level: 'loud' as never })).toThrow(InvalidOptionError);
    expect(log.isLevelEnabled('loud' as never)).toBe(false);
  });

  it('a disabled call does not read its arguments', () => {
    const { log } = captureLogger({ level: 'warn' });
    let touched = false;
    const fields = {
      get x() {
        touched = true;
        return 1;
      },
    };
    log.info('m', fields);
    log.debug(fields);
    expect(touched).toBe(false);
  });

  it('children follow their parent level, also when it changes after creation, unless they have their own', () => {
    const { log, sink } = captureLogger();
    const child = log.child({ c: 1 });
    const grandchild = child.child({ g: 1 });
    const pinned = log.child({ p: 1 }, { level: 'error' });
    log.level = 'debug';
    expect(child.level).toBe('debug');
    expect(grandchild.level).toBe('debug');
    expect(pinned.level).toBe('error');
    grandchild.debug('yes');
    pinned.warn('no');
    expect(sink.records).toHaveLength(1);
    child.level = 'warn';
    expect(grandchild.level).toBe('warn');
    expect(log.level).toBe('debug');
  });
});

describe('child loggers', () => {
  it('carry bindings on every record; child-of-child merges; later keys win', () => {
    const { log, sink } = captureLogger();
    const a = log.child({ service: 'api', req: 'r1' });
    const b = a.child({ req: 'r2', user: 'u' });
    b.info('m', { extra: 1 });
    expect(sink.last().attributes).toEqual({ service: 'api', req: 'r2', user: 'u', extra: 1 });
    a.info('m', { req: 'call wins' });
    expect(sink.last().attributes).toEqual({ service: 'api', req: 'call wins' });
    log.info('m');
    expect(sink.last().attributes).toEqual({});
  });

  it('converts bindings once: later mutation of the object does not change records', () => {
    const { log, sink } = captureLogger();
    const bindings = { v: 1 };
    const child = log.child(bindings);
    bindings.v = 2;
    child.info('m');
    expect(sink.last().attributes).toEqual({ v: 1 });
  });

  it('name becomes the instrumentation scope; children inherit it', () => {
    const { log, sink } = captureLogger({ name: 'root' });
    expect(log.name).toBe('root');
    const http = log.child({}, { name: 'http' });
    http.info('a');
    http.child({ x: 1 }).info('b');
    log.info('c');
    expect(sink.records.map((r) => r.scope.name)).toEqual(['http', 'http', 'root']);
    // One encoded scope per name, so the batch groups them.
    expect(sink.records[0].scope).toBe(sink.records[1].scope);
    expect(log.child({}, { name: 'http' }).name).toBe('http');
  });

  it('bindings with secrets are redacted and never throw', () => {
    const { log, sink } = captureLogger();
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const child = log.child({ token: 't', broken: proxy });
    child.info('m');
    expect(sink.last().attributes).toEqual({ token: '[REDACTED]', broken: '[Unserializable]' });
    expect(() => log.child(proxy as never).info('ok')).not.toThrow();
  });
});

describe('events, pressure, timestamps', () => {
  it('event(name, fields) sets event_name at INFO severity', () => {
    const { log, sink } = captureLogger();
    log.event('order.placed', { orderId: 1 });
    expect(sink.last()).toMatchObject({
      eventName: 'order.placed',
      severityNumber: 9,
      attributes: { orderId: 1 },
    });
    expect(sink.last().body).toBeUndefined();
    log.level = 'warn';
    log.event('hidden');
    expect(sink.records).toHaveLength(1);
  });

  it('pressure and drained() delegate to the sink', async () => {
    const { log, sink } = captureLogger();
    sink.pressureValue = 0.75;
    expect(log.pressure).toBe(0.75);
    await log.drained();
    expect(sink.drainedCalls).toBe(1);
  });

  it('wraps the sink without modifying it: shutdown, flush and stats pass through', async () => {
    const { sink } = captureLogger();
    const shutdowns: unknown[] = [];
    sink.shutdown = (options) => {
      shutdowns.push(options);
      return Promise.resolve();
    };
    const before = Object.getOwnPropertyDescriptors(sink);
    const log = buildLogger(resolveConfig({ env: {}, stdout: false }), sink, silentDiag);
    expect(Object.getOwnPropertyDescriptors(sink)).toEqual(before);
    log.info('x');
    expect(sink.records).toHaveLength(1);
    expect(log.stats().accepted).toBe(1);
    await log.shutdown({ timeoutMs: 5 });
    expect(shutdowns).toEqual([{ timeoutMs: 5 }]);
  });

  it("passes the sink's copiesBytes through: a copying sink gets views of reused scratch memory", () => {
    const views: Uint8Array[] = [];
    const { sink } = captureLogger();
    const copying = { ...sink, copiesBytes: true, write: (r: EncodedRecord) => views.push(r.bytes) };
    const log = buildLogger(resolveConfig({ env: {}, stdout: false }), copying, silentDiag);
    log.info('first');
    log.info('second');
    // Borrowed: both records were encoded into the same scratch bytes.
    expect(views[1].buffer).toBe(views[0].buffer);
    expect(views[1].byteOffset).toBe(views[0].byteOffset);
  });

  it("passes the sink's discard through, so a record the facade could not encode is still counted", () => {
    const { sink } = captureLogger();
    const discarded: string[] = [];
    const wrapped = withHooks({ ...sink, discard: (reason) => discarded.push(reason) }, {});
    wrapped.discard?.('encode_error');
    expect(discarded).toEqual(['encode_error']);
    expect(withHooks(sink, {}).discard).toBeUndefined();
  });

  it('child({ name, version }) sets the instrumentation scope name and version, shared per pair', () => {
    const { log, sink } = captureLogger();
    log.child({}, { name: 'db', version: '2.0.1' }).info('a');
    log.child({}, { name: 'db', version: '2.0.1' }).info('b');
    log.child({}, { name: 'db' }).info('c');
    const [a, b, c] = sink.records;
    expect([a.scope.name, a.scope.version]).toEqual(['db', '2.0.1']);
    expect(b.scope).toBe(a.scope);
    expect([c.scope.name, c.scope.version]).toEqual(['db', '']);
  });

  it('sets time and observed time, non-decreasing with sub-millisecond precision', () => {
    const { log, sink } = captureLogger();
    const before = BigInt(Date.now() - 1) * 1_000_000n;
    for (let i = 0; i < 200; i++) log.info('t');
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    const times = sink.records.map((r) => decodeTime(r.bytes));
    for (let i = 1; i < times.length; i++) expect(times[i] >= times[i - 1]).toBe(true);
    expect(times[0] >= before && times.at(-1)! <= after).toBe(true);
    expect(times.some((t) => t % 1_000_000n !== 0n)).toBe(true);
    const r = sink.last();
    expect(r.observedTimeUnixNano).toBe(r.timeUnixNano);
  });
});

function decodeTime(bytes: Uint8Array): bigint {
  // time_unix_nano is field 1, fixed64: the record starts with it.
  expect(bytes[0]).toBe(0x09);
  return Buffer.from(bytes.buffer, bytes.byteOffset + 1, 8).readBigUInt64LE(0);
}
