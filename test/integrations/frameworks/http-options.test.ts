import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { InvalidOptionError, type Logger } from 'podlog';
import { type HttpLoggerOptions, httpLogger, requestIdOf } from 'podlog/http';
import { createTestLogger, type TestRecord } from 'podlog/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../helpers/wait.js';
import { baseUrl, closeServer } from './harness.js';

let server: Server | undefined;
afterEach(async () => {
  await closeServer(server);
  server = undefined;
});

type Options = Omit<HttpLoggerOptions, 'logger'>;

/** A node:http server behind the middleware form; `handler` answers. */
async function serve(
  options: Options,
  handler: (req: IncomingMessage, res: ServerResponse, log: Logger) => void = (_q, s) => s.end('ok'),
): Promise<{ base: string; records: TestRecord[] }> {
  const { logger, records } = createTestLogger();
  const logging = httpLogger({ logger, ...options });
  server = createServer((req, res) => logging(req, res, () => handler(req, res, logger)));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { base: baseUrl(server as Server), records };
}

const done = (records: TestRecord[]) => records.filter((r) => String(r.body).startsWith('request '));

/** Waits (bounded) until a record with `body` is there. */
const waitFor = (records: TestRecord[], body: string) =>
  until(() => records.some((r) => r.body === body), `a record '${body}'`);

/** Waits (bounded) until `n` completion records are there: the record is written on 'finish'. */
async function completions(records: TestRecord[], n: number): Promise<TestRecord[]> {
  await until(() => done(records).length >= n, `${n} completion record(s)`);
  return done(records);
}

describe('podlog/http options', () => {
  it('fails fast on bad options, naming the option', () => {
    const { logger } = createTestLogger();
    const bad: Array<[unknown, RegExp]> = [
      [undefined, /httpLogger/],
      [{}, /httpLogger\.logger/],
      [{ logger: console }, /httpLogger\.logger.*podlog Logger/],
      [{ logger, genReqID: () => 'x' }, /httpLogger\.genReqID.*genReqId/],
      [{ logger, genReqId: 'x' }, /httpLogger\.genReqId.*a function/],
      [{ logger, autoLogging: 'yes' }, /httpLogger\.autoLogging/],
      [{ logger, autoLogging: { ignore: true } }, /httpLogger\.autoLogging\.ignore/],
      [{ logger, requestIdHeader: 'bad header' }, /httpLogger\.requestIdHeader/],
      [{ logger, requestIdHeader: '' }, /httpLogger\.requestIdHeader/],
    ];
    for (const [options, message] of bad) {
      expect(() => httpLogger(options as never)).toThrow(InvalidOptionError);
      expect(() => httpLogger(options as never)).toThrow(message);
    }
  });

  it('genReqId, its fallback when it throws, a custom header, and requestIdHeader: false', async () => {
    let n = 0;
    const a = await serve({ genReqId: () => `gen-${++n}` });
    const r1 = await fetch(a.base, { headers: { 'x-request-id': 'ignored' } });
    expect(r1.headers.get('x-request-id')).toBe('gen-1');
    expect((await completions(a.records, 1))[0].attributes['http.request.id']).toBe('gen-1');
    await closeServer(server);

    const b = await serve({
      requestIdHeader: 'X-Correlation-Id',
      genReqId: () => {
        throw new Error('bug in genReqId');
      },
    });
    const r2 = await fetch(b.base, { headers: { 'x-correlation-id': 'corr-9' } });
    expect(r2.headers.get('x-correlation-id')).toBe('corr-9');
    expect(r2.headers.get('x-request-id')).toBeNull();
    await closeServer(server);

    const c = await serve({ requestIdHeader: false });
    const r3 = await fetch(c.base, { headers: { 'x-request-id': 'not-read' } });
    expect(r3.headers.get('x-request-id')).toBeNull();
    const [rec] = await completions(c.records, 1);
    expect(rec.attributes['http.request.id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects an incoming id that does not look like one (newline, too long)', async () => {
    const { base, records } = await serve({});
    const long = 'a'.repeat(200);
    const res = await fetch(base, { headers: { 'x-request-id': long } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const [rec] = await completions(records, 1);
    expect(rec.attributes['http.request.id']).toBe(res.headers.get('x-request-id'));
  });

  it('autoLogging: false and ignore(req) skip the completion record, not the context', async () => {
    const { base, records } = await serve(
      { autoLogging: { ignore: (req) => req.url === '/healthz' } },
      (req, res, log) => {
        log.info('inside', { url: req.url });
        res.end();
      },
    );
    await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'h1' } });
    await fetch(`${base}/work`, { headers: { 'x-request-id': 'w1' } });
    await completions(records, 1);
    expect(done(records).map((r) => r.attributes['url.path'])).toEqual(['/work']);
    expect(records.filter((r) => r.body === 'inside').map((r) => r.attributes['http.request.id'])).toEqual([
      'h1',
      'w1',
    ]);
    await closeServer(server);

    const off = await serve({ autoLogging: false }, (_q, res, log) => {
      log.info('inside');
      // Registered after podlog's own 'finish' listener: once this is logged, podlog's ran.
      res.on('finish', () => log.info('finished'));
      res.end();
    });
    await fetch(off.base, { headers: { 'x-request-id': 'o1' } });
    await waitFor(off.records, 'finished');
    expect(off.records.map((r) => r.body)).toEqual(['inside', 'finished']);
    expect(off.records[0].attributes['http.request.id']).toBe('o1');
  });

  it('customLogLevel (silent skips; a throwing or bad one falls back), messages, props, context fields', async () => {
    const { base, records } = await serve(
      {
        customLogLevel: (req, res) => {
          if (req.url === '/quiet') return 'silent';
          if (req.url === '/throw') throw new Error('bug');
          if (req.url === '/bad') return 'loud' as never;
          return res.statusCode === 201 ? 'debug' : 'info';
        },
        customSuccessMessage: (req, res, ms) =>
          `${req.method} ${req.url} ${res.statusCode} in ${ms >= 0 ? 'ms' : '?'}`,
        customErrorMessage: (_req, res, err) => `failed ${res.statusCode} ${err?.message ?? '-'}`,
        customProps: (req) => ({ 'app.tenant': req.headers['x-tenant'] }),
        contextFields: (req) => ({ 'app.tenant': req.headers['x-tenant'] }),
      },
      (req, res, log) => {
        log.info('inside');
        if (req.url === '/created') res.statusCode = 201;
        if (req.url === '/fail') {
          res.statusCode = 503;
          (res as { err?: unknown }).err = new Error('db down');
        }
        res.end();
      },
    );
    const headers = { 'x-tenant': 'acme' };
    for (const path of ['/quiet', '/created', '/throw', '/bad', '/fail'])
      await fetch(`${base}${path}`, { headers });
    const outer = () => records.filter((r) => r.body !== 'inside');
    await until(() => outer().length >= 4, 'four completion records');
    const recs = outer();
    expect(recs.map((r) => [r.body, r.level])).toEqual([
      ['GET /created 201 in ms', 'debug'],
      ['GET /throw 200 in ms', 'info'],
      ['GET /bad 200 in ms', 'info'],
      ['failed 503 db down', 'info'],
    ]);
    expect(recs[3].attributes['exception.message']).toBe('db down');
    for (const r of records) expect(r.attributes['app.tenant']).toBe('acme');
  });

  it('req.log / res.log / req.id (pino-http names) and requestIdOf', async () => {
    // Seen inside the handler, asserted here: an assertion thrown inside a server handler
    // would not reach the test.
    let seen: { id: unknown; idOf: unknown; reqLog: unknown; resLog: unknown } | undefined;
    let shape: Record<string, unknown> | undefined;
    const replacement = { info: () => undefined };
    const { base, records } = await serve({}, (req, res) => {
      const r = req as IncomingMessage & { log: Logger; id: string };
      const s = res as unknown as { log: unknown };
      seen = { id: r.id, idOf: requestIdOf(req), reqLog: r.log, resLog: s.log };
      // Not enumerable (JSON.stringify, Object.keys and spreads of req/res do not see them);
      // assigning replaces the logger (pino-http apps do), still not enumerable.
      const enumerable = Object.prototype.propertyIsEnumerable;
      shape = { reqEnumerable: enumerable.call(req, 'log'), resEnumerable: enumerable.call(res, 'log') };
      s.log = replacement;
      shape.assigned = s.log;
      shape.assignedEnumerable = enumerable.call(res, 'log');
      shape.reqLogAfterAssign = r.log;
      // podlog's 'finish' listener ran first: the request is no longer running.
      res.on('finish', () => {
        if (shape !== undefined) shape.idOfAfterFinish = requestIdOf(req);
      });
      // Outside the request context (a detached callback), req.log still carries the id.
      setTimeout(() => r.log.info('later'), 0).unref();
      res.end();
    });
    const res = await fetch(base, { headers: { 'x-request-id': 'abc' } });
    expect(res.status).toBe(200);
    expect(seen?.id).toBe('abc');
    expect(seen?.idOf).toBe('abc');
    expect(typeof (seen?.reqLog as Logger | undefined)?.info).toBe('function');
    expect(seen?.resLog).toBe(seen?.reqLog);
    await waitFor(records, 'request completed');
    expect(shape).toEqual({
      reqEnumerable: false,
      resEnumerable: false,
      assigned: replacement,
      assignedEnumerable: false,
      reqLogAfterAssign: seen?.reqLog,
      idOfAfterFinish: undefined,
    });
    await waitFor(records, 'later');
    expect(records.find((r) => r.body === 'later')?.attributes).toEqual({ 'http.request.id': 'abc' });
  });

  it('a request the client abandons is logged once, as aborted', async () => {
    let arrived!: () => void;
    const handled = new Promise<void>((r) => {
      arrived = r;
    });
    const { base, records } = await serve({}, (_req, res, log) => {
      // Never answers; the client goes away. This listener runs after podlog's.
      res.on('close', () => log.info('closed'));
      arrived();
    });
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nx-request-id: gone-1\r\n\r\n');
    await handled; // the request is in the handler: the client leaves mid-request
    socket.destroy();
    await waitFor(records, 'closed');
    const [rec] = done(records);
    expect(rec).toMatchObject({ body: 'request aborted', level: 'warn' });
    expect(rec.attributes).toMatchObject({
      'http.request.id': 'gone-1',
      'error.type': 'aborted',
      'url.path': '/slow',
    });
    expect(done(records)).toHaveLength(1);
  });

  it('mounted twice, a request is still logged once', async () => {
    const { logger, records } = createTestLogger();
    const logging = httpLogger({ logger });
    server = createServer((req, res) =>
      logging(req, res, () =>
        logging(req, res, () => {
          res.on('close', () => logger.info('closed'));
          res.end();
        }),
      ),
    );
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    await fetch(baseUrl(server));
    await waitFor(records, 'closed');
    expect(done(records)).toHaveLength(1);
  });
});
