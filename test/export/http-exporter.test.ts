import { describe, expect, it } from 'vitest';
import { decodeJsonRequest, decodeProtobufRequest } from '../../src/otlp/index.js';
import { VERSION } from '../../src/version.js';
import {
  canonical,
  decodeIndependentJson,
  decodeIndependentProtobuf,
  makeBatch,
  makeRequest,
  partialSuccessProtobuf,
} from '../helpers/otlp-independent.js';
import { makeExporter, useFaultServer } from './helpers/setup.js';

const SECRET = 'Bearer s3cr3t-t0ken-value';

describe('http exporter: encoding and headers (real server on 127.0.0.1)', () => {
  const server = useFaultServer();

  it('POSTs the protobuf body unchanged, with podlog headers; an independent decoder reads the same records', async () => {
    const { exporter, counters } = makeExporter({
      endpoint: server().endpoint,
      headers: { authorization: SECRET },
    });
    const batch = makeBatch('b-1', { layout: [[3, 2], [1]] });
    const outcome = await exporter.export(batch);
    expect(outcome).toEqual({ exported: 6, dropped: {}, undelivered: [] });
    const [req] = server().requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/logs');
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    expect(req.headers['user-agent']).toBe(`podlog/${VERSION}`);
    expect(req.headers['podlog-batch-id']).toBe('b-1');
    expect(req.headers.authorization).toBe(SECRET);
    expect(req.headers['content-encoding']).toBeUndefined();
    expect(decodeIndependentProtobuf(req.body)).toEqual(canonical(makeRequest({ layout: [[3, 2], [1]] })));
    expect(counters.requests).toBe(1);
    expect(counters.bytesSent).toBe(batch.body.length);
    expect(counters.retries).toBe(0);
  });

  it('http/json: OTLP/JSON that an independent decoder reads as the same records as the protobuf', async () => {
    const { exporter } = makeExporter({ endpoint: server().endpoint, protocol: 'http/json' });
    const batch = makeBatch('b-json', { layout: [[2], [2]] });
    expect((await exporter.export(batch)).exported).toBe(4);
    const [req] = server().requests;
    expect(req.headers['content-type']).toBe('application/json');
    const text = req.body.toString('utf8');
    expect(decodeIndependentJson(text)).toEqual(decodeIndependentProtobuf(batch.body));
    expect(decodeJsonRequest(text)).toEqual(decodeProtobufRequest(batch.body));
    // The OTLP JSON mapping: hex ids, 64-bit ints as strings, integer enums, lowerCamelCase keys.
    expect(text).toContain('"traceId":"0af7651916cd43dd8448eb211c80319c"');
    expect(text).toContain('"intValue":"9007199254740993"');
    expect(text).toContain('"timeUnixNano":"1700000000000000000"');
    expect(text).toMatch(/"severityNumber":9[,}]/);
  });

  it('gzip: content-encoding gzip, body gunzips to the request, bytesSent counts compressed bytes', async () => {
    const { exporter, counters } = makeExporter(
      { endpoint: server().endpoint },
      {
        OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'gzip',
      },
    );
    const batch = makeBatch('b-gz', { layout: [[20]], pad: 200 });
    expect((await exporter.export(batch)).exported).toBe(20);
    const [req] = server().requests;
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(Buffer.compare(req.body, Buffer.from(batch.body))).toBe(0);
    expect(req.raw.length).toBeLessThan(batch.body.length);
    expect(counters.bytesSent).toBe(req.raw.length);
  });

  it('gzip + json together decode to the same records', async () => {
    const { exporter } = makeExporter({
      endpoint: server().endpoint,
      protocol: 'http/json',
      compression: 'gzip',
    });
    const batch = makeBatch('b-gz-json', { layout: [[5]] });
    await exporter.export(batch);
    expect(decodeIndependentJson(server().requests[0].body.toString())).toEqual(
      decodeIndependentProtobuf(batch.body),
    );
  });
});

describe('http exporter: responses', () => {
  const server = useFaultServer();

  it('partial success (protobuf): rejected records dropped as rejected with the message, never retried', async () => {
    server().enqueue({
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
      body: partialSuccessProtobuf(2, 'timestamp too old'),
    });
    const { exporter, counters, lines } = makeExporter({ endpoint: server().endpoint });
    const outcome = await exporter.export(makeBatch('p', { layout: [[5]] }));
    expect(outcome.exported).toBe(3);
    expect(outcome.dropped).toEqual({ rejected: 2 });
    expect(outcome.undelivered).toEqual([]);
    expect(server().requests).toHaveLength(1);
    expect(counters.retries).toBe(0);
    expect(lines.join('\n')).toContain('timestamp too old');
  });

  it('partial success (JSON response, by content-type)', async () => {
    server().enqueue({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partialSuccess: { rejectedLogRecords: '1', errorMessage: 'attr limit' } }),
    });
    const { exporter, lines } = makeExporter({ endpoint: server().endpoint, protocol: 'http/json' });
    const outcome = await exporter.export(makeBatch('pj', { layout: [[4]] }));
    expect(outcome).toMatchObject({ exported: 3, dropped: { rejected: 1 } });
    expect(lines.join('\n')).toContain('partial success: 1 rejected: attr limit');
  });

  it('an empty or unparsable 2xx body is plain success', async () => {
    server().enqueue({ status: 202, body: 'not protobuf at all \u0000\u00ff' }, { status: 200 });
    const { exporter } = makeExporter({ endpoint: server().endpoint });
    expect(await exporter.export(makeBatch('a'))).toEqual({ exported: 3, dropped: {}, undelivered: [] });
    expect(await exporter.export(makeBatch('b'))).toEqual({ exported: 3, dropped: {}, undelivered: [] });
  });

  it.each([400, 401, 403, 404, 422])(
    'HTTP %i: dropped as rejected with status and bounded excerpt, not retried',
    async (status) => {
      // The server echoes the auth header back: the excerpt must not carry it into diagnostics.
      server().enqueue({ status, body: `bad request: got ${SECRET} ${'x'.repeat(10_000)}` });
      const { exporter, lines, counters } = makeExporter({
        endpoint: server().endpoint,
        headers: { authorization: SECRET },
      });
      const outcome = await exporter.export(makeBatch('bad', { layout: [[2]] }));
      expect(outcome).toMatchObject({ exported: 0, dropped: { rejected: 2 }, undelivered: [] });
      const refused = lines.find((l) => l.includes(`2 record(s) refused (HTTP ${status}: bad request`));
      expect(refused).toBeDefined();
      expect(refused!.length).toBeLessThan(400);
      expect(server().requests).toHaveLength(1);
      expect(counters.retries).toBe(0);
      const all = lines.join('\n');
      expect(all).not.toContain('s3cr3t');
      expect(all).toContain('[REDACTED]');
      // A 4xx means the backend is up.
      expect(exporter.healthy).toBe(true);
    },
  );

  it('reads at most 4 MiB of a response body', async () => {
    server().enqueue({ status: 400, body: Buffer.alloc(6 * 1024 * 1024, 0x61) });
    server().enqueue({ status: 200, body: Buffer.alloc(6 * 1024 * 1024, 0x62) });
    const { exporter, lines } = makeExporter({ endpoint: server().endpoint });
    const bad = await exporter.export(makeBatch('big-400'));
    expect(bad.dropped).toEqual({ rejected: 3 });
    const refused = lines.find((l) => l.includes('3 record(s) refused (HTTP 400: aaa'));
    expect(refused).toBeDefined();
    expect(refused!.length).toBeLessThan(400);
    expect((await exporter.export(makeBatch('big-200'))).exported).toBe(3);
  });
});

describe('http exporter: a malformed batch body', () => {
  const server = useFaultServer();

  it('is dropped as rejected (it could never be delivered), not kept forever', async () => {
    const { exporter } = makeExporter({ endpoint: server().endpoint, protocol: 'http/json' });
    const outcome = await exporter.export({ id: 'junk', count: 2, body: new Uint8Array([0x0a, 0x7f, 1]) });
    expect(outcome).toMatchObject({ exported: 0, dropped: { rejected: 2 }, undelivered: [] });
    expect(server().requests).toHaveLength(0);
  });
});
