/**
 * Libraries that expect a pino logger get a podlog logger: the REAL pino-http middleware on a
 * real node:http server, and a REAL Fastify app with `loggerInstance`. Both set up, serve a
 * request carrying credentials and log it; no credential reaches the record bytes. (The
 * framework integrations themselves are tested with podlog/http, Fastify and Nest.)
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import Fastify from 'fastify';
import { pinoHttp } from 'pino-http';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../helpers/record-capture.js';
import { until } from '../helpers/wait.js';

const SECRETS = ['Bearer-s3cr3t-AUTH', 'c00kie-VALUE', 'sess-SETCOOKIE'];

function assertNoSecrets(bytes: Uint8Array): void {
  const text = Buffer.from(bytes).toString('latin1');
  for (const s of SECRETS) expect(text).not.toContain(s);
}

const credentials = { authorization: 'Bearer-s3cr3t-AUTH', cookie: 'sid=c00kie-VALUE' };

describe('pino-http({ logger: podlog })', () => {
  it('sets up, serves the request and logs it without secrets', async () => {
    const { log, sink } = captureLogger();
    // pino-http's types ask for pino's whole Logger class; at run time podlog's surface is enough.
    const middleware = pinoHttp({ logger: log as never });
    const server = createServer((req, res) => {
      middleware(req, res);
      req.log.info('inside handler');
      res.setHeader('set-cookie', 'session=sess-SETCOOKIE');
      res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/items?page=2`, { headers: credentials });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
      await until(() => sink.records.length >= 2);
    } finally {
      server.close();
      await once(server, 'close');
    }
    for (const r of sink.records) assertNoSecrets(r.bytes);
    const [inside, completed] = sink.decoded();
    expect(inside.body).toBe('inside handler');
    expect(completed.body).toBe('request completed');
    // pino-std-serializers' req keeps the raw request as `raw`: podlog writes it like a raw one.
    expect(completed.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/items',
      'url.query': 'page=2',
      'client.address': '127.0.0.1',
    });
    expect(String(completed.attributes['http.request.header.authorization'])).toBe('[REDACTED]');
    expect(completed.attributes['http.response.status_code']).toBe(200);
    expect(typeof completed.attributes.responseTime).toBe('number');
  });
});

describe('Fastify({ loggerInstance: podlog })', () => {
  it('starts, serves a request and logs it without secrets', async () => {
    const { log, sink } = captureLogger();
    const app = Fastify({ loggerInstance: log });
    app.get('/hello/:name', async (request) => {
      request.log.info({ name: (request.params as { name: string }).name }, 'greeting');
      return { hello: 'world' };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/hello/ann?token=qs-secret`, {
        headers: credentials,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ hello: 'world' });
      await until(() => sink.decoded().some((r) => r.body === 'request completed'));
    } finally {
      await app.close();
    }
    for (const r of sink.records) {
      assertNoSecrets(r.bytes);
      expect(Buffer.from(r.bytes).toString('latin1')).not.toContain('qs-secret');
      expect(r.bytes.length).toBeLessThan(2048);
    }
    const records = sink.decoded();
    const incoming = records.find((r) => r.body === 'incoming request');
    const greeting = records.find((r) => r.body === 'greeting');
    const completed = records.find((r) => r.body === 'request completed');
    // Fastify's own request id (req-1, req-2, …) on every record of the request.
    expect(incoming?.attributes.reqId).toMatch(/^req-\w+$/);
    expect(greeting?.attributes).toMatchObject({ name: 'ann', reqId: incoming?.attributes.reqId });
    expect(completed?.attributes.res).toMatchObject({ statusCode: 200 });
  });
});
