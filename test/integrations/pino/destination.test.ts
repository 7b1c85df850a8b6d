import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { createLogger, type Logger } from 'podlog';
import { podlogDestination, severityOfPinoLevel } from 'podlog/pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installContextManager, SPAN, withSpan } from '../../helpers/otel-context.js';
import { startReceiver, type TestReceiver } from '../../helpers/receiver.js';

let receiver: TestReceiver;
let log: Logger | undefined;

function podlog(options: Parameters<typeof createLogger>[0] = {}): Logger {
  log = createLogger({
    endpoint: receiver.endpoint,
    serviceName: 'pino-app',
    batch: { maxDelayMs: 5 },
    handleExit: false,
    diagnostics: false,
    ...options,
  });
  return log;
}

/** Flushes podlog and returns what the receiver got. */
async function delivered(l: Logger) {
  await l.flush();
  return receiver.records();
}

describe('podlog/pino destination', () => {
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await log?.shutdown();
    log = undefined;
    receiver.requests.length = 0;
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('maps pino level values onto OTel severity ranges, in-between values with an offset', () => {
    const cases: Array<[number, number]> = [
      [1, 1],
      [10, 1],
      [15, 3],
      [20, 5],
      [30, 9],
      [35, 11],
      [40, 13],
      [45, 15],
      [50, 17],
      [59, 20],
      [60, 21],
      [65, 23],
      [70, 24],
      [1000, 24],
    ];
    for (const [value, severity] of cases)
      expect([value, severityOfPinoLevel(value)]).toEqual([value, severity]);
  });

  it('records every pino level and custom levels with their labels, whatever podlog’s own level', async () => {
    const l = podlog({ level: 'error' }); // podlog's level must not filter pino's records
    const p = pino({ level: 'trace', customLevels: { http: 35, audit: 65 } }, podlogDestination(l));
    p.trace('t');
    p.debug('d');
    p.info('i');
    p.http('h');
    p.warn('w');
    p.error('e');
    p.audit('a');
    p.fatal('f');
    const records = await delivered(l);
    expect(records.map((r) => [r.body, r.severityNumber, r.severityText])).toEqual([
      ['t', 1, 'trace'],
      ['d', 5, 'debug'],
      ['i', 9, 'info'],
      ['h', 11, 'http'],
      ['w', 13, 'warn'],
      ['e', 17, 'error'],
      ['a', 23, 'audit'],
      ['f', 21, 'fatal'],
    ]);
  });

  it('pino’s level filter is the only one: below pino’s level nothing is sent', async () => {
    const l = podlog({ level: 'trace' });
    const p = pino({ level: 'warn' }, podlogDestination(l));
    p.info('dropped by pino');
    p.warn('kept');
    const records = await delivered(l);
    expect(records.map((r) => r.body)).toEqual(['kept']);
    expect(l.stats().accepted).toBe(1);
  });

  it('reads level labels written by formatters.level, custom ones through the config pino sends', async () => {
    const l = podlog();
    const p = pino(
      { level: 'trace', customLevels: { notice: 33 }, formatters: { level: (label) => ({ level: label }) } },
      podlogDestination(l),
    );
    p.notice('n');
    p.warn('w');
    const records = await delivered(l);
    expect(records.map((r) => [r.severityNumber, r.severityText])).toEqual([
      [10, 'notice'],
      [13, 'warn'],
    ]);
  });

  it('honours messageKey and errorKey', async () => {
    const l = podlog();
    const p = pino({ messageKey: 'message', errorKey: 'error' }, podlogDestination(l));
    p.error(new RangeError('out of range'), 'it failed');
    const [r] = await delivered(l);
    expect(r.body).toBe('it failed');
    expect(r.attributes['exception.type']).toBe('RangeError');
    expect(r.attributes['exception.message']).toBe('out of range');
    expect(r.attributes).not.toHaveProperty('message');
  });

  it('maps pino’s serialized err to exception.* (type, message, stacktrace, code, cause)', async () => {
    const l = podlog();
    const p = pino({}, podlogDestination(l));
    const cause = new Error('socket closed');
    const err = Object.assign(new TypeError('charge failed', { cause }), { code: 'E_CHARGE' });
    p.error({ err, orderId: 7 }, 'payment');
    p.error(new Error('bare'));
    const [withMsg, bare] = await delivered(l);
    expect(withMsg.body).toBe('payment');
    expect(withMsg.attributes['exception.type']).toBe('TypeError');
    // pino's std serializer folds the cause into message and stack.
    expect(withMsg.attributes['exception.message']).toBe('charge failed: socket closed');
    expect(withMsg.attributes['exception.stacktrace']).toMatch(/TypeError: charge failed\n\s+at /);
    expect(withMsg.attributes['exception.stacktrace']).toMatch(/caused by: Error: socket closed/);
    expect(withMsg.attributes['exception.code']).toBe('E_CHARGE');
    expect(withMsg.attributes.orderId).toBe(7n); // the receiver decodes ints as bigint
    expect(withMsg.attributes).not.toHaveProperty('err');
    expect(bare.body).toBe('bare');
    expect(bare.attributes['exception.type']).toBe('Error');
  });

  it('takes the record time from pino’s time: epoch ms, ISO string, epoch seconds', async () => {
    const l = podlog();
    const ms = pino({ timestamp: () => ',"time":1700000000123' }, podlogDestination(l));
    const iso = pino({ timestamp: pino.stdTimeFunctions.isoTime }, podlogDestination(l));
    const unix = pino({ timestamp: pino.stdTimeFunctions.unixTime }, podlogDestination(l));
    const none = pino({ timestamp: false }, podlogDestination(l));
    const nano = pino({ timestamp: () => ',"time":"2026-12-03T12:00:00.123456789Z"' }, podlogDestination(l));
    const before = BigInt(Date.now() - 1000) * 1_000_000n;
    ms.info('ms');
    iso.info('iso');
    unix.info('unix');
    none.info('none');
    nano.info('nano');
    const after = BigInt(Date.now() + 1000) * 1_000_000n;
    const records = await delivered(l);
    expect(records[0].timeUnixNano).toBe(1_700_000_000_123_000_000n);
    expect(records[4].timeUnixNano).toBe(
      BigInt(Date.parse('2026-12-03T12:00:00Z')) * 1_000_000n + 123_456_789n,
    );
    for (const r of records.slice(1, 4)) {
      expect(r.timeUnixNano > before && r.timeUnixNano < after, String(r.body)).toBe(true);
    }
    expect(records[2].timeUnixNano % 1_000_000_000n).toBe(0n); // unixTime: whole seconds
    expect(records.every((r) => !('time' in r.attributes))).toBe(true);
  });

  it('child bindings and call fields become attributes; pid and hostname are left to the resource', async () => {
    const l = podlog();
    const p = pino({}, podlogDestination(l));
    const child = p.child({ reqId: 'r-1', user: { id: 42 } });
    child.info({ route: '/pay', ok: true }, 'request done');
    const [r] = await delivered(l);
    expect(r.attributes).toEqual({ reqId: 'r-1', user: { id: 42n }, route: '/pay', ok: true });
    expect(r.resource['process.pid']).toBe(BigInt(process.pid));
    expect(r.resource['service.name']).toBe('pino-app');
  });

  it('keeps the caller’s active span, and reads instrumentation-pino’s trace fields', async () => {
    const uninstall = installContextManager();
    try {
      const l = podlog();
      const p = pino({}, podlogDestination(l));
      withSpan(() => {
        expect(trace.getActiveSpan()?.spanContext().traceId).toBe(SPAN.traceId);
        p.info('in span');
      });
      p.info('outside');
      p.info(
        { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', trace_flags: '01' },
        'fields',
      );
      p.info({ trace_id: 'not-hex', span_id: '00f067aa0ba902b7', trace_flags: 1 }, 'bad ids');
      const [inSpan, outside, fields, bad] = await delivered(l);
      expect([inSpan.traceId, inSpan.spanId, inSpan.flags]).toEqual([SPAN.traceId, SPAN.spanId, 1]);
      expect(outside.traceId).toBe('');
      expect([fields.traceId, fields.spanId, fields.flags]).toEqual([
        '4bf92f3577b34da6a3ce929d0e0e4736',
        '00f067aa0ba902b7',
        1,
      ]);
      expect(fields.attributes).toEqual({});
      // Not a valid trace context: what was written stays, as attributes.
      expect(bad.traceId).toBe('');
      expect(bad.attributes).toEqual({ trace_id: 'not-hex', span_id: '00f067aa0ba902b7', trace_flags: 1n });
    } finally {
      uninstall();
    }
  });

  it('a line that is not JSON is logged with the line as body, never lost', async () => {
    const l = podlog();
    const dest = podlogDestination(l);
    dest.write('plain text, not JSON\n');
    dest.write('{"level":30,"msg":"one"}\n{"level":40,"msg":"two"}\n');
    dest.write('42\n');
    const records = await delivered(l);
    expect(records.map((r) => [r.body, r.severityNumber])).toEqual([
      ['plain text, not JSON', 0],
      ['one', 9],
      ['two', 13],
      [42n, 0],
    ]);
    expect(l.stats().accepted).toBe(4);
  });

  it('holds lines while podlog’s queue is full and lets them in as it drains: nothing lost', async () => {
    let answered = 0;
    receiver.respond = () => {
      answered++;
      return { status: 200, headers: { 'content-type': 'application/x-protobuf' } };
    };
    const l = podlog({
      queue: { maxRecords: 50 },
      batch: { maxRecords: 10, maxDelayMs: 1 },
      maxConcurrentRequests: 1,
    });
    const dest = podlogDestination(l);
    const p = pino({}, dest);
    const N = 2000;
    let maxHeld = 0;
    for (let i = 0; i < N; i++) {
      p.info({ i }, 'burst');
      maxHeld = Math.max(maxHeld, dest.held);
    }
    expect(maxHeld).toBeGreaterThan(0); // the destination held pino's lines instead of dropping
    await dest.flush();
    const ids = receiver.records().map((r) => Number(r.attributes.i));
    expect(ids).toEqual(Array.from({ length: N }, (_, i) => i));
    const s = l.stats();
    expect(s.dropped.total).toBe(0);
    expect(s.exported).toBe(N);
    expect(answered).toBeGreaterThan(1);
    expect(dest.held).toBe(0);
  });

  it('lets a large held backlog in a slice per event-loop turn', async () => {
    // Half the lines fit under holdAt (5% of 100,000) and go in at once; the other half is held
    // until that batch is exported, then fits all at once: only the slicing (1,024 lines per
    // turn) gives the event loop a turn while it goes in.
    const l = podlog({ queue: { maxRecords: 100_000 }, batch: { maxRecords: 10_000, maxDelayMs: 5 } });
    const dest = podlogDestination(l, { holdAt: 0.05 });
    const p = pino({}, dest);
    const N = 10_000;
    for (let i = 0; i < N; i++) p.info({ i }, 'backlog');
    expect(dest.held).toBe(5_000);
    const steps: number[] = [];
    await new Promise<void>((resolve) => {
      let last = dest.held;
      const deadline = Date.now() + 10_000;
      const tick = () => {
        if (dest.held < last) steps.push(last - dest.held);
        last = dest.held;
        if (dest.held === 0 || Date.now() > deadline) resolve();
        else setImmediate(tick);
      };
      setImmediate(tick);
    });
    expect(dest.held).toBe(0);
    // One slice from the wake-up and one from the pump's own setImmediate may fall between ticks.
    expect(Math.max(...steps)).toBeLessThanOrEqual(2 * 1024);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    await dest.flush();
    expect(receiver.records().map((r) => Number(r.attributes.i))).toEqual(
      Array.from({ length: N }, (_, i) => i),
    );
    expect(l.stats().dropped.total).toBe(0);
  });

  it('holdAt below the low-water mark: held lines go in only while the fill is below holdAt', async () => {
    const l = podlog({
      queue: { maxRecords: 10 },
      batch: { maxRecords: 10, maxDelayMs: 20 },
      maxConcurrentRequests: 1,
    });
    const dest = podlogDestination(l, { holdAt: 0.2 });
    const p = pino({}, dest);
    let maxFill = 0;
    const sample = setInterval(() => {
      maxFill = Math.max(maxFill, l.pressure);
    }, 1);
    const N = 20;
    for (let i = 0; i < N; i++) p.info({ i }, 'held');
    expect(dest.held).toBe(N - 2);
    await dest.flush();
    clearInterval(sample);
    expect(receiver.records().map((r) => Number(r.attributes.i))).toEqual(
      Array.from({ length: N }, (_, i) => i),
    );
    // 2 of 10 go in, then the hold waits until they are exported: never 3 in memory at once.
    expect(receiver.largestRequest()).toBe(2);
    expect(maxFill).toBeLessThanOrEqual(0.2);
    expect(l.stats().dropped.total).toBe(0);
  });

  it('flushSync hands held lines to podlog at once (pino calls it after fatal)', async () => {
    const l = podlog({
      queue: { maxRecords: 10 },
      batch: { maxRecords: 5, maxDelayMs: 1 },
      maxConcurrentRequests: 1,
    });
    const dest = podlogDestination(l, { holdAt: 0.5 });
    const p = pino({}, dest);
    for (let i = 0; i < 8; i++) p.info({ i }, 'x');
    expect(dest.held).toBeGreaterThan(0);
    dest.flushSync();
    expect(dest.held).toBe(0);
    const s = l.stats();
    expect(s.accepted).toBe(8); // every line reached podlog, queued or counted
    await l.flush();
    const after = l.stats();
    expect(after.exported + after.dropped.total).toBe(8);
  });

  it('pino takes the destination as its only argument, like a Node stream', async () => {
    const l = podlog();
    pino(podlogDestination(l)).info('only argument');
    expect((await delivered(l)).map((r) => r.body)).toEqual(['only argument']);
  });

  it('works inside pino.multistream, with the custom levels given as options', async () => {
    const l = podlog();
    const customLevels = { http: 35 };
    const printed: string[] = [];
    const p = pino(
      { level: 'trace', customLevels },
      pino.multistream(
        [
          { level: 'trace', stream: { write: (line: string) => printed.push(line) } },
          { level: 'trace', stream: podlogDestination(l, { customLevels }) },
        ],
        { levels: { ...pino.levels.values, ...customLevels } },
      ),
    );
    p.http('through both');
    expect(printed).toHaveLength(1);
    const records = await delivered(l);
    expect(records.map((r) => [r.body, r.severityNumber, r.severityText])).toEqual([
      ['through both', 11, 'http'],
    ]);
  });

  it('refuses bad options at creation, naming the option', () => {
    const l = podlog();
    expect(() => podlogDestination(l, { holdAt: 2 })).toThrow(/holdAt/);
    expect(() => podlogDestination(l, { maxHeldBytes: -1 })).toThrow(/maxHeldBytes/);
    expect(() => podlogDestination(l, { customLevels: { http: 'x' } as never })).toThrow(/customLevels/);
    expect(() => podlogDestination(l, { holdat: 0.5 } as never)).toThrow(/holdat/);
  });

  it('holdAt 0 is refused in the same words as PodlogTransport and the pino transport use', () => {
    const l = podlog();
    expect(() => podlogDestination(l, { holdAt: 0 })).toThrow(/holdAt.*a number above 0, at most 1/);
  });

  it('a PINO_CONFIG message without a config object is ignored, never thrown into pino', async () => {
    const l = podlog();
    const dest = podlogDestination(l);
    expect(dest.emit('message', { code: 'PINO_CONFIG', config: null })).toBe(false);
    expect(dest.emit('message', { code: 'PINO_CONFIG', config: { messageKey: 'm' } })).toBe(true);
    dest.write('{"level":30,"m":"announced key"}\n');
    const [r] = await delivered(l);
    expect(r.body).toBe('announced key');
  });

  it('without a logger, creates one from the environment and shuts it down on end()', async () => {
    const prev = process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT = receiver.endpoint;
    try {
      const dest = podlogDestination(undefined, { loggerOptions: { handleExit: false, diagnostics: false } });
      pino({}, dest).info('from env');
      await dest.end();
      expect(receiver.records().map((r) => r.body)).toEqual(['from env']);
      expect(dest.logger.stats().exported).toBe(1);
    } finally {
      if (prev === undefined) delete process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT = prev;
    }
  });
});
