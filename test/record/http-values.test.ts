/**
 * Raw HTTP objects as log values, on REAL objects: a node:http server on 127.0.0.1 receiving a
 * request with secrets in Authorization / Cookie / X-Api-Key and the query string, answering
 * with Set-Cookie; fetch Request/Response/Headers; a real socket. The secrets must appear
 * nowhere in the encoded record bytes, and each record stays small.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeRequest, serializeResponse, stdSerializers } from '../../src/index.js';
import { captureLogger } from '../helpers/record-capture.js';
import { until } from '../helpers/wait.js';

const SECRETS = ['Bearer-s3cr3t-AUTH', 'sid=c00kie-VALUE', 'k3y-VALUE', 'qs-T0KEN-value', 'sess-SETCOOKIE'];

function assertNoSecrets(bytes: Uint8Array): void {
  const text = Buffer.from(bytes).toString('latin1');
  for (const s of SECRETS) expect(text).not.toContain(s);
  // The raw header block and Node internals never travel.
  expect(text).not.toContain('rawHeaders');
  expect(text).not.toContain('_header');
  expect(text).not.toContain('_events');
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
}

let server: ReturnType<typeof createServer>;
let port = 0;
/** Each request is handed to the waiting test, which logs it and then ends the response. */
const waiting: Array<(x: Exchange) => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('Set-Cookie', ['session=sess-SETCOOKIE; HttpOnly']);
    res.setHeader('Content-Type', 'text/plain');
    waiting.shift()?.({ req, res });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

/** Sends a request with secrets; resolves with the server-side objects while the response is open. */
async function exchange(): Promise<{ x: Exchange; done: Promise<void> }> {
  const got = new Promise<Exchange>((resolve) => waiting.push(resolve));
  const client = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/orders/42?page=2&access_token=qs-T0KEN-value',
    headers: {
      Authorization: 'Bearer-s3cr3t-AUTH',
      Cookie: 'sid=c00kie-VALUE',
      'X-Api-Key': 'k3y-VALUE',
      'User-Agent': 'podlog-test/1.0',
      'X-Request-Id': 'req-1',
      'Content-Type': 'application/json',
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    client.on('response', (r) => {
      r.resume();
      r.on('end', resolve);
    });
    client.on('error', reject);
  });
  client.end('{}');
  const x = await got;
  return { x, done };
}

describe('raw node:http request and response', () => {
  it('log.info({ req, res }) writes semantic-convention attributes, no secret, under 2 KB', async () => {
    const { log, sink } = captureLogger();
    const { x, done } = await exchange();
    x.res.statusCode = 201;
    log.info({ req: x.req, res: x.res }, 'done');
    x.res.end('ok');
    await done;
    const bytes = sink.records[0].bytes;
    assertNoSecrets(bytes);
    expect(bytes.length).toBeLessThan(2048);
    const a = sink.last().attributes;
    expect(a['http.request.method']).toBe('POST');
    expect(a['url.path']).toBe('/orders/42');
    expect(a['url.query']).toBe('page=2&access_token=[REDACTED]');
    expect(a['client.address']).toBe('127.0.0.1');
    expect(typeof a['client.port']).toBe('number');
    expect(a['user_agent.original']).toBe('podlog-test/1.0');
    expect(String(a['http.request.header.authorization'])).toBe('[REDACTED]');
    expect(String(a['http.request.header.cookie'])).toBe('[REDACTED]');
    expect(String(a['http.request.header.x-api-key'])).toBe('[REDACTED]');
    expect(a['http.request.header.x-request-id']).toEqual(['req-1']);
    expect(a['http.response.status_code']).toBe(201);
    expect(String(a['http.response.header.set-cookie'])).toBe('[REDACTED]');
    expect(a['http.response.header.content-type']).toEqual(['text/plain']);
    expect(a.req).toBeUndefined();
  });

  it('nested anywhere else (a body, a deeper field, an array), the compact shape is written', async () => {
    const { log, sink } = captureLogger();
    const { x, done } = await exchange();
    log.info('nested', { ctx: { request: x.req, list: [x.res] } });
    log.info(x.req);
    x.res.end();
    await done;
    for (const r of sink.records) {
      assertNoSecrets(r.bytes);
      expect(r.bytes.length).toBeLessThan(2048);
    }
    const [nested, body] = sink.decoded();
    const ctx = nested.attributes.ctx as Record<string, Record<string, unknown>>;
    expect(ctx.request.method).toBe('POST');
    expect(ctx.request.url).toBe('/orders/42?page=2&access_token=[REDACTED]');
    expect((ctx.request.headers as Record<string, string>).authorization).toBe('[REDACTED]');
    expect((ctx.list as unknown as Array<Record<string, unknown>>)[0].statusCode).toBe(200);
    // pino's habit: a request as the only argument is logged as `{ req }`.
    expect(body.attributes['http.request.method']).toBe('POST');
  });

  it('as a child binding (pino-http binds { req }), the same attributes, no secret', async () => {
    const { log, sink } = captureLogger();
    const { x, done } = await exchange();
    log.child({ req: x.req, reqId: 7 }).info('bound');
    x.res.end();
    await done;
    assertNoSecrets(sink.records[0].bytes);
    const a = sink.last().attributes;
    expect(a['http.request.method']).toBe('POST');
    expect(a.reqId).toBe(7);
  });

  it('a binding the bound req replaces is never encoded: no cut flag, no getter run, first position kept', () => {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/x';
    req.headers = { 'user-agent': 'curl/8' };
    const { log, sink } = captureLogger({ limits: { maxAttributes: 2 } });
    log.child({ 'user_agent.original': 'x'.repeat(20_000), req }).info('long value replaced');
    let reads = 0;
    const replaced = {
      get v() {
        reads++;
        return 1;
      },
    };
    log.child({ 'http.request.method': replaced, req }).info('getter value replaced');
    const [first, second] = sink.decoded();
    // The replaced binding keeps its place (so it survives maxAttributes: 2) with req's value.
    expect(Object.keys(first.attributes)).toEqual(['user_agent.original', 'http.request.method']);
    expect(first.attributes['user_agent.original']).toBe('curl/8');
    expect(first.attributes['podlog.truncated']).toBeUndefined();
    expect(second.attributes['http.request.method']).toBe('GET');
    expect(reads).toBe(0);
    expect(sink.records).toHaveLength(2);
  });

  it('an own __proto__ key (JSON.parse) next to a bound req is kept, as without req', () => {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/x';
    const { log, sink } = captureLogger();
    const bindings = JSON.parse('{"__proto__": {"tenant": "t1"}, "a": 1}');
    bindings.req = req;
    log.child(bindings).info('proto');
    const a = sink.last().attributes;
    expect(Object.hasOwn(a, '__proto__')).toBe(true);
    expect(a.a).toBe(1);
    expect(a['http.request.method']).toBe('GET');
  });

  it('a getter on the bindings object runs once per child', () => {
    const { log, sink } = captureLogger();
    let n = 0;
    log
      .child({
        get n() {
          return ++n;
        },
      })
      .info('once');
    expect(sink.last().attributes.n).toBe(1);
    expect(n).toBe(1);
  });

  it('through the winston transport (metadata goes through the same encoder)', async () => {
    const { createTestLogger } = await import('../../src/testing/index.js');
    const { PodlogTransport } = await import('../../src/integrations/winston/index.js');
    const { default: winston } = await import('winston');
    const test = createTestLogger();
    const w = winston.createLogger({ transports: [new PodlogTransport({ logger: test.logger })] });
    const { x, done } = await exchange();
    w.info('winston done', { req: x.req, ctx: { res: x.res } });
    x.res.end();
    await done;
    await until(() => test.records.length === 1);
    const text = JSON.stringify(test.records[0], (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(test.records[0].attributes['http.request.method']).toBe('POST');
    expect((test.records[0].attributes.ctx as Record<string, Record<string, unknown>>).res.statusCode).toBe(
      200,
    );
  });

  it('names from the redact option are censored too; paths reach into the shape', async () => {
    const { log, sink } = captureLogger({ redact: { keys: ['x-request-id'], paths: ['ctx.req.method'] } });
    const { x, done } = await exchange();
    log.info({ req: x.req, ctx: { req: x.req } }, 'custom');
    x.res.end();
    await done;
    const a = sink.last().attributes;
    expect(String(a['http.request.header.x-request-id'])).toBe('[REDACTED]');
    expect((a.ctx as Record<string, Record<string, unknown>>).req.method).toBe('[REDACTED]');
  });

  it('serializeRequest / serializeResponse / stdSerializers give the nested shape', async () => {
    const { x, done } = await exchange();
    const r = serializeRequest(x.req);
    expect(r).toMatchObject({ method: 'POST', url: '/orders/42?page=2&access_token=[REDACTED]' });
    expect(r.headers.authorization).toBe('[REDACTED]');
    expect(r.headers['user-agent']).toBe('podlog-test/1.0');
    expect(JSON.stringify(r)).not.toContain('s3cr3t');
    x.res.statusCode = 404;
    expect(stdSerializers.res(x.res)).toEqual({
      statusCode: 404,
      headers: { 'content-type': 'text/plain', 'set-cookie': '[REDACTED]' },
    });
    x.res.end();
    await done;
    expect(serializeResponse(null)).toEqual({ statusCode: undefined, headers: {} });
  });
});

describe('URL strings under url-like keys', () => {
  it('secret query values are censored (Fastify and pino-std-serializers log req.url as a string)', () => {
    const { log, sink } = captureLogger();
    log.info('u', {
      req: { url: '/a?page=1&token=qs-T0KEN-value' },
      originalUrl: '/b?sig=qs-T0KEN-value&x=1',
      note: '/c?token=kept',
    });
    assertNoSecrets(sink.records[0].bytes);
    const a = sink.last().attributes;
    expect(a.req).toEqual({ url: '/a?page=1&token=[REDACTED]' });
    expect(a.originalUrl).toBe('/b?sig=[REDACTED]&x=1');
    expect(a.note).toBe('/c?token=kept'); // not a URL key: left alone
    const off = captureLogger({ redact: false });
    off.log.info('u', { url: '/a?token=t' });
    expect(off.sink.last().attributes.url).toBe('/a?token=t');
  });
});

describe('fetch Request / Response / Headers', () => {
  it('are written compactly with secrets censored', () => {
    const { log, sink } = captureLogger();
    const headers = {
      authorization: 'Bearer-s3cr3t-AUTH',
      cookie: 'sid=c00kie-VALUE',
      'user-agent': 'podlog-test/1.0',
    };
    const req = new Request('http://127.0.0.1:9/a/b?x=1&api_key=qs-T0KEN-value', { headers });
    const res = new Response('ok', { status: 418, headers: { 'set-cookie': 'session=sess-SETCOOKIE' } });
    log.info({ req, res }, 'fetch');
    log.info('nested', { h: new Headers(headers), inner: { req, res } });
    for (const r of sink.records) {
      assertNoSecrets(r.bytes);
      expect(r.bytes.length).toBeLessThan(2048);
    }
    const [flat, nested] = sink.decoded();
    expect(flat.attributes['http.request.method']).toBe('GET');
    expect(flat.attributes['url.path']).toBe('/a/b');
    expect(flat.attributes['url.query']).toBe('x=1&api_key=[REDACTED]');
    expect(flat.attributes['http.response.status_code']).toBe(418);
    expect(nested.attributes.h).toEqual({
      'user-agent': 'podlog-test/1.0',
      authorization: '[REDACTED]',
      cookie: '[REDACTED]',
    });
    const inner = nested.attributes.inner as Record<string, Record<string, unknown>>;
    expect(inner.res.statusCode).toBe(418);
  });
});

describe('sockets and other emitters', () => {
  it('a real socket is { remoteAddress, remotePort }; a server is a marker', async () => {
    const net = createNetServer((s) => s.end());
    net.listen(0, '127.0.0.1');
    await once(net, 'listening');
    const serverPort = (net.address() as { port: number }).port;
    const socket: Socket = connect(serverPort, '127.0.0.1');
    await once(socket, 'connect');
    const { log, sink } = captureLogger();
    log.info('sock', { socket, server: net });
    socket.destroy();
    net.close();
    await once(net, 'close');
    const a = sink.last().attributes;
    expect(a.socket).toEqual({ remoteAddress: '127.0.0.1', remotePort: serverPort });
    expect(a.server).toBe('[EventEmitter Server]');
    expect(sink.records[0].bytes.length).toBeLessThan(1024);
  });
});

describe('framework and http2 objects', () => {
  it('http2 compat request/response (a real h2c server)', async () => {
    const { createServer: createH2, connect: connectH2 } = await import('node:http2');
    const { log, sink } = captureLogger();
    const h2 = createH2((req, res) => {
      res.setHeader('set-cookie', 'session=sess-SETCOOKIE');
      log.info({ req, res }, 'h2');
      res.end('ok');
    });
    h2.listen(0, '127.0.0.1');
    await once(h2, 'listening');
    const client = connectH2(`http://127.0.0.1:${(h2.address() as { port: number }).port}`);
    const stream = client.request({
      ':path': '/h2/path?token=qs-T0KEN-value',
      authorization: 'Bearer-s3cr3t-AUTH',
      cookie: 'sid=c00kie-VALUE',
    });
    stream.resume();
    await once(stream, 'end');
    client.close();
    h2.close();
    await once(h2, 'close');
    assertNoSecrets(sink.records[0].bytes);
    expect(sink.records[0].bytes.length).toBeLessThan(2048);
    expect(sink.last().attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/h2/path',
      'url.query': 'token=[REDACTED]',
      'http.response.status_code': 200,
    });
  });

  it('Express req (route pattern) and Fastify Request/Reply (duck-typed through .raw)', async () => {
    const { default: express } = await import('express');
    const { default: Fastify } = await import('fastify');
    const { log, sink } = captureLogger();
    const app = express();
    app.get('/orders/:id', (req, res) => {
      log.info({ req }, 'express');
      res.send('ok');
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const fastify = Fastify();
    fastify.get('/items/:id', async (request, reply) => {
      log.info('fastify', { request, ctx: { reply } });
      return 'ok';
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      const headers = { authorization: 'Bearer-s3cr3t-AUTH', cookie: 'sid=c00kie-VALUE' };
      await (
        await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/orders/7?x=1`, {
          headers,
        })
      ).text();
      await (
        await fetch(`http://127.0.0.1:${(fastify.server.address() as { port: number }).port}/items/9`, {
          headers,
        })
      ).text();
    } finally {
      server.close();
      await fastify.close();
    }
    for (const r of sink.records) {
      assertNoSecrets(r.bytes);
      expect(r.bytes.length).toBeLessThan(2048);
    }
    const [ex, fa] = sink.decoded();
    expect(ex.attributes).toMatchObject({
      'http.route': '/orders/:id',
      'url.path': '/orders/7',
      'url.query': 'x=1',
    });
    expect(fa.attributes).toMatchObject({
      'http.route': '/items/:id',
      'url.path': '/items/9',
      'http.request.method': 'GET',
    });
    expect((fa.attributes.ctx as Record<string, Record<string, unknown>>).reply.statusCode).toBe(200);
  });
});
