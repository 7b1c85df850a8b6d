/**
 * Secrets end to end: the export header values (tokens) never show up in diagnostics, errors or
 * `stats()`, whatever the backend does (echoes the token in a 401/400 body or in a partial
 * success message, refuses, resets, hangs, flaps); and values under the default redaction keys
 * never reach the wire, wherever they sit in a record.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger/index.js';
import { LEN, tag, VARINT, Writer } from '../../src/otlp/index.js';
import { DEFAULT_REDACT_KEYS } from '../../src/record/index.js';
import { faultLogger, tempSpoolDir } from '../hardening/harness.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { until } from '../helpers/wait.js';

const TOKEN = 'tok_9f8e7d6c5b4a39281706';
const API_KEY = 'ak-0123456789abcdef';

function partialSuccess(message: string): Uint8Array {
  const inner = Writer.create();
  inner.uint32(tag(1, VARINT)).int64(1);
  inner.uint32(tag(2, LEN)).string(message);
  const w = Writer.create();
  w.uint32(tag(1, LEN)).bytes(inner.finish());
  return w.finish();
}

describe('header values never leak', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await startFaultServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const echo = (status: number) => (req: { headers: Record<string, unknown> }) => ({
    status,
    body: `denied: authorization=${String(req.headers.authorization)} key=${String(req.headers['x-api-key'])} token ${TOKEN}`,
  });

  const BASIC = Buffer.from(`svc:${TOKEN}`).toString('base64');

  for (const via of ['options', 'env', 'endpoint user-info and query'] as const) {
    it(`through every failure the backend can produce (credentials from ${via})`, async () => {
      const spool = tempSpoolDir();
      const headers = { authorization: `Bearer ${TOKEN}`, 'x-api-key': API_KEY };
      // What the backend sees (and echoes back).
      const sent = via === 'endpoint user-info and query' ? `Basic ${BASIC}` : `Bearer ${TOKEN}`;
      const h = faultLogger(server, {
        ...(via === 'options'
          ? { headers }
          : via === 'env'
            ? { env: { OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${TOKEN},x-api-key=${API_KEY}` } }
            : {
                endpoint: `${server.endpoint.replace('http://', `http://svc:${TOKEN}@`)}?api_key=${API_KEY}`,
              }),
        timeoutMs: 100,
        retry: { maxAttempts: 2, maxElapsedMs: 300, initialDelayMs: 5, maxDelayMs: 10 },
        spool: { dir: spool.dir },
      });
      // Every diagnostic cause is rate-limited per cause; fresh causes below each get a line.
      server.enqueue(
        echo(401)({ headers: { authorization: sent, 'x-api-key': API_KEY } } as never),
        echo(400)({ headers: { authorization: sent, 'x-api-key': API_KEY } } as never),
        { status: 500, body: `internal: ${TOKEN}` },
        {
          status: 200,
          headers: { 'content-type': 'application/x-protobuf' },
          body: partialSuccess(`bad token ${TOKEN} / ${API_KEY}`),
        },
        { status: 503, body: TOKEN },
        { reset: true },
        { hang: true },
      );
      for (let i = 0; i < 7; i++) {
        h.log.info('request', { i });
        await h.log.flush();
      }
      await server.refuse(true);
      h.log.info('while refused', { i: 7 });
      await h.log.flush();
      await until(() => h.log.stats().spooled > 0, 'a batch spooled while refused');
      await server.refuse(false);
      await h.log.shutdown();
      h.stopWatch();
      const everything = [...h.diag, JSON.stringify(h.log.stats())].join('\n');
      expect(h.diag.length).toBeGreaterThan(3);
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(API_KEY);
      expect(everything).not.toContain(BASIC);
      // The credentials did go out: the test would prove nothing otherwise.
      expect(server.requests.some((r) => r.headers.authorization === sent)).toBe(true);
      spool.cleanup();
    });
  }
});

describe('default redaction keys, end to end', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await startFaultServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('never puts a value under a default key on the wire, wherever it sits', async () => {
    const log = createLogger({
      endpoint: server.endpoint,
      env: {},
      diagnostics: false,
      handleExit: false,
      podinfoDir: false,
    });
    const secrets: string[] = [];
    DEFAULT_REDACT_KEYS.forEach((key, k) => {
      const s = (n: number) => {
        const v = `SECRET-${k}-${n}-${key.length}`;
        secrets.push(v);
        return v;
      };
      const upper = key.toUpperCase();
      log.info('top', { [key]: s(1), [upper]: s(2) });
      log.info('nested', { req: { headers: { [key]: s(3) } }, list: [{ [key]: s(4) }] });
      log.child({ [key]: s(5) }).info('bound');
      log.error('failed', { err: Object.assign(new Error('x'), { [key]: s(6) }) });
      log.info('map', { m: new Map([[key, s(7)]]) });
    });
    await log.shutdown();
    const wire = Buffer.concat(server.requests.map((r) => r.body)).toString('latin1');
    expect(server.records().length).toBe(DEFAULT_REDACT_KEYS.length * 5);
    for (const s of secrets) expect(wire).not.toContain(s);
    expect(wire).toContain('[REDACTED]');
  });
});
