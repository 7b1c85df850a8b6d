import { once } from 'node:events';
import { createTestLogger } from 'podlog/testing';
import { createLoggerFromWinston, optionsFromWinston, PodlogTransport } from 'podlog/winston';
import { describe, expect, it } from 'vitest';
import winston from 'winston';

/** A winston logger writing into a test logger through the transport; resolves after each record is logged. */
function setup(winstonOptions: winston.LoggerOptions = {}, transportOptions = {}) {
  const test = createTestLogger();
  const transport = new PodlogTransport({ logger: test.logger, ...transportOptions });
  const logger = winston.createLogger({ level: 'silly', ...winstonOptions, transports: [transport] });
  return { ...test, transport, winston: logger };
}

describe('podlog/winston: PodlogTransport mappings', () => {
  it('maps npm levels to OTel severities and keeps the level name as severity text', () => {
    const { winston: w, records } = setup();
    for (const level of ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']) w.log(level, level);
    expect(records.map((r) => [r.severityText, r.severityNumber])).toEqual([
      ['error', 17],
      ['warn', 13],
      ['info', 9],
      ['http', 7],
      ['verbose', 6],
      ['debug', 5],
      ['silly', 1],
    ]);
  });

  it('maps syslog levels', () => {
    const { winston: w, records } = setup({ levels: winston.config.syslog.levels, level: 'debug' });
    for (const level of Object.keys(winston.config.syslog.levels)) w.log(level, level);
    expect(Object.fromEntries(records.map((r) => [r.severityText, r.severityNumber]))).toEqual({
      emerg: 23,
      alert: 22,
      crit: 21,
      error: 17,
      warning: 13,
      notice: 10,
      info: 9,
      debug: 5,
    });
  });

  it('maps custom levels by their order', () => {
    const levels = { panic: 0, bad: 1, meh: 2, fine: 3, chatty: 4, noise: 5 };
    const { winston: w, records } = setup({ levels, level: 'noise' });
    for (const level of Object.keys(levels)) w.log(level, level);
    expect(records.map((r) => [r.severityText, r.severityNumber, r.level])).toEqual([
      ['panic', 21, 'fatal'],
      ['bad', 17, 'error'],
      ['meh', 13, 'warn'],
      ['fine', 9, 'info'],
      ['chatty', 5, 'debug'],
      ['noise', 1, 'trace'],
    ]);
  });

  it('message is the body; metadata, defaultMeta and splat objects are attributes; format.splat interpolates', () => {
    const { winston: w, records } = setup({
      defaultMeta: { service: 'orders' },
      format: winston.format.splat(),
    });
    w.info('order %s placed', 'A-1', { total: 12.5 });
    w.info('with meta', { user: { id: 7, roles: ['admin'] } });
    w.log({ level: 'warn', message: 'object form', code: 'E1' });
    expect(records.map((r) => r.body)).toEqual(['order A-1 placed', 'with meta', 'object form']);
    expect(records[0].attributes).toEqual({ service: 'orders', total: 12.5 });
    expect(records[1].attributes).toEqual({ service: 'orders', user: { id: 7, roles: ['admin'] } });
    expect(records[2].attributes).toEqual({ service: 'orders', code: 'E1' });
  });

  it('Errors become exception.*: the info itself, an error field, a splat argument, format.errors stacks', () => {
    const { winston: w, records } = setup();
    w.error(new TypeError('info is an error'));
    w.error('failed to pay', new RangeError('splat error'));
    w.warn('with field', { error: new Error('field error'), orderId: 3 });
    const plain = setup({ format: winston.format.errors({ stack: true }) });
    plain.winston.error(new Error('flattened by format.errors'));

    expect(records[0]).toMatchObject({ body: 'info is an error', level: 'error' });
    expect(records[0].attributes).toMatchObject({
      'exception.type': 'TypeError',
      'exception.message': 'info is an error',
    });
    expect(records[0].attributes['exception.stacktrace']).toMatch(/TypeError: info is an error\n\s+at /);
    expect(records[1].attributes).toMatchObject({
      'exception.type': 'RangeError',
      'exception.message': 'splat error',
    });
    expect(records[1].attributes.stack).toBeUndefined();
    expect(records[2].attributes).toMatchObject({ 'exception.message': 'field error', orderId: 3 });
    expect(records[2].attributes.error).toBeUndefined();
    expect(plain.records[0].body).toBe('flattened by format.errors');
    expect(plain.records[0].attributes['exception.stacktrace']).toMatch(
      /Error: flattened by format.errors\n\s+at /,
    );
  });

  it('respects label and timestamp formats: the timestamp is the record time, the label an attribute', () => {
    const { winston: w, records } = setup({
      format: winston.format.combine(
        winston.format.label({ label: 'billing' }),
        winston.format.timestamp({ format: () => '2024-05-01T10:20:30.456Z' }),
        winston.format.colorize(),
      ),
    });
    w.info('stamped');
    expect(records[0].time.toISOString()).toBe('2024-05-01T10:20:30.456Z');
    expect(records[0].attributes).toEqual({ label: 'billing' });
    expect(records[0].severityText).toBe('info'); // the raw level, not colourised
    const odd = setup({ format: winston.format.timestamp({ format: () => 'not a date' }) });
    odd.winston.info('odd stamp');
    expect(odd.records[0].attributes.timestamp).toBe('not a date');
  });

  it('takes trace context from OTel log-correlation fields', () => {
    const { winston: w, records } = setup();
    w.info('correlated', {
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      trace_flags: '01',
    });
    expect(records[0]).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      flags: 1,
    });
    expect(records[0].attributes).toEqual({});
  });
});

describe('podlog/winston: a well-behaved transport', () => {
  it('honours its own level, the logger level, silent, and its own format', () => {
    const test = createTestLogger();
    const transport = new PodlogTransport({
      logger: test.logger,
      level: 'warn',
      format: winston.format((info) => ({ ...info, formatted: true }))(),
    });
    const w = winston.createLogger({ level: 'info', transports: [transport] });
    w.info('below the transport level');
    w.warn('kept');
    w.debug('below the logger level');
    expect(test.records.map((r) => [r.body, r.attributes.formatted])).toEqual([['kept', true]]);
    transport.silent = true;
    w.error('silenced');
    expect(test.records).toHaveLength(1);
  });

  it("emits 'logged' after each record", async () => {
    const { winston: w, transport } = setup();
    const logged = once(transport, 'logged');
    w.info('hello');
    const [info] = (await logged) as [{ message: string }];
    expect(info.message).toBe('hello');
  });

  it('close() flushes and shuts down a logger it created; logger.end() finishes after a flush', async () => {
    const transport = new PodlogTransport({
      loggerOptions: { endpoint: 'http://127.0.0.1:9/v1/logs', handleExit: false, diagnostics: false },
    });
    expect(transport.logger.level).toBe('trace');
    const closed = once(transport, 'closed');
    void transport.close();
    await closed;
    transport.logger.info('after close');
    expect(transport.logger.stats().dropped.after_shutdown).toBe(1);

    const { winston: w, transport: t2, records } = setup();
    w.info('before end');
    const finished = once(t2, 'finish');
    w.end();
    await finished;
    expect(records.map((r) => r.body)).toEqual(['before end']);
  });
});

describe('createLoggerFromWinston', () => {
  it('takes level, silent and defaultMeta from a winston logger', () => {
    const w = winston.createLogger({ level: 'http', defaultMeta: { service: 'checkout', region: 'eu' } });
    expect(optionsFromWinston(w)).toEqual({
      options: { level: 'debug', serviceName: 'checkout' },
      bindings: { region: 'eu' },
    });
    const syslog = winston.createLogger({ levels: winston.config.syslog.levels, level: 'warning' });
    expect(optionsFromWinston(syslog).options.level).toBe('warn');
    expect(optionsFromWinston(winston.createLogger({ silent: true })).options.level).toBe('silent');

    const log = createLoggerFromWinston(w, {
      endpoint: 'http://127.0.0.1:9/v1/logs',
      handleExit: false,
      diagnostics: false,
    });
    expect(log.level).toBe('debug');
    expect(log.isLevelEnabled('trace')).toBe(false);
    void log.shutdown({ timeoutMs: 10 });
  });
});
