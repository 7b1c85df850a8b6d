import { request } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reader } from '../../src/otlp/index.js';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';
import type { TestRecord } from '../../src/testing/test-record.js';
import { jsonRequest, protobufRequest, T0 } from './request-fixtures.js';

describe('podlog receive: the OTLP/HTTP logs receiver', () => {
  let receiver: RunningReceiver;
  let records: TestRecord[];
  let lines: string[];

  async function start(options: Parameters<typeof startReceiver>[0] = {}) {
    receiver = await startReceiver({
      port: 0,
      color: false,
      onRecord: (r) => records.push(r),
      write: (line) => lines.push(line),
      ...options,
    });
  }

  beforeEach(() => {
    records = [];
    lines = [];
  });
  afterEach(async () => {
    await receiver?.close();
  });

  const post = (body: string | Uint8Array, headers: Record<string, string>, path = '/v1/logs') =>
    fetch(`${receiver.url}${path}`, { method: 'POST', body, headers });

  it('binds 127.0.0.1 by default and answers protobuf with an empty protobuf response', async () => {
    await start();
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect(records.map((r) => r.body)).toEqual(['order placed', 'payment failed']);
    expect(records[0]).toMatchObject({
      timeUnixNano: T0,
      severityNumber: 9,
      scope: 'orders',
      resource: { 'service.name': 'checkout', 'k8s.pod.name': 'checkout-7d9f' },
      attributes: { orderId: 42, items: ['a', 'b'] },
    });
    expect(records[1]).toMatchObject({
      traceId: 'ab'.repeat(16),
      spanId: 'cd'.repeat(8),
      eventName: 'payment.failed',
    });
  });

  it('accepts OTLP/JSON and answers with an empty JSON response', async () => {
    await start();
    const res = await post(jsonRequest(), { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({});
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      body: 'invoice late',
      severityText: 'WARN',
      attributes: { days: 3 },
      resource: { 'service.name': 'billing' },
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
  });

  it('inflates gzip bodies of both encodings', async () => {
    await start();
    const a = await post(gzipSync(protobufRequest()), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    const b = await post(gzipSync(jsonRequest()), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(records.map((r) => r.body)).toEqual(['order placed', 'payment failed', 'invoice late']);
  });

  it('answers 400 with a google.rpc.Status in the request encoding for malformed bodies', async () => {
    await start();
    const pb = await post(new Uint8Array([0x0a, 0xff, 0x01, 0x00]), {
      'content-type': 'application/x-protobuf',
    });
    expect(pb.status).toBe(400);
    expect(pb.headers.get('content-type')).toBe('application/x-protobuf');
    const r = Reader.create(new Uint8Array(await pb.arrayBuffer()));
    const status: { code?: number; message?: string } = {};
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 === 1) status.code = r.int32();
      else if (t >>> 3 === 2) status.message = r.string();
      else r.skipType(t & 7);
    }
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/length prefix runs past the end/);

    const js = await post('{"resourceLogs": 5}', { 'content-type': 'application/json' });
    expect(js.status).toBe(400);
    const body = (await js.json()) as { code: number; message: string };
    expect(body.code).toBe(3);
    expect(body.message).toMatch(/resourceLogs must be an array/);

    const badGzip = await post('not gzip', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(badGzip.status).toBe(400);
    expect(records).toHaveLength(0);
  });

  it('answers 415 for other content types and encodings', async () => {
    await start();
    expect((await post('hello', { 'content-type': 'text/plain' })).status).toBe(415);
    const br = await post(protobufRequest(), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'br',
    });
    expect(br.status).toBe(415);
  });

  it('answers 404 off /v1/logs and 405 for other methods', async () => {
    await start();
    expect(
      (await post(protobufRequest(), { 'content-type': 'application/x-protobuf' }, '/v1/traces')).status,
    ).toBe(404);
    const get = await fetch(`${receiver.endpoint}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers 413 for a body over the cap, whether declared or streamed', async () => {
    await start({ maxBodyBytes: 1024 });
    const declared = await post(new Uint8Array(4096), { 'content-type': 'application/x-protobuf' });
    expect(declared.status).toBe(413);

    // Chunked upload without content-length: the cap is enforced while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${receiver.endpoint}`,
        { method: 'POST', headers: { 'content-type': 'application/x-protobuf' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(512));
      req.end();
    });
    expect(status).toBe(413);
    expect(records).toHaveLength(0);
  });

  it('a client still uploading past the cap reads the 413, not a reset (the rest is drained)', async () => {
    await start({ maxBodyBytes: 1024 });
    // Large enough to overflow the socket buffers: without draining, the server closes on
    // unread data, the kernel answers with a reset, and fetch fails with EPIPE/ECONNRESET.
    const big = new Uint8Array(16 * 1024 * 1024);
    const declared = await post(big, { 'content-type': 'application/x-protobuf' });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain('larger than 1024 bytes');
    // A client that reads the early answer, then sends its body anyway: every write must
    // succeed (before, the server closed on the unread body and the writes hit a reset).
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(receiver.url).port), '127.0.0.1');
      let answer = '';
      let sent = false;
      socket.setEncoding('latin1');
      socket.on('data', (c) => {
        answer += c;
        if (!sent && answer.includes('larger than 1024 bytes')) {
          sent = true;
          socket.end(big);
        }
      });
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.write(
        'POST /v1/logs HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
          `content-length: ${big.length}\r\n\r\n`,
      );
    });
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw.toLowerCase()).not.toContain('connection: close');
    // Streamed (chunked, no content-length): the cap is found while reading, the rest drained.
    for (let i = 0; i < 5; i++) {
      const streamed = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          receiver.endpoint,
          { method: 'POST', headers: { 'content-type': 'application/x-protobuf' } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c) => {
              text += c;
            });
            res.on('end', () => {
              answer = { status: res.statusCode ?? 0, text };
              if (sent) resolve(answer);
            });
          },
        );
        let answer: { status: number; text: string } | undefined;
        let sent = false;
        req.on('error', reject);
        for (let k = 0; k < 128; k++) req.write(Buffer.alloc(64 * 1024));
        // The whole upload must go out too (the server reads it), not only the answer come back.
        req.end(() => {
          sent = true;
          if (answer) resolve(answer);
        });
      });
      expect(streamed.status).toBe(413);
      expect(streamed.text).toContain('request body larger than 1024 bytes');
    }
    expect(records).toHaveLength(0);
  });

  it('past maxDrainBytes, an upload is not read: the 413 goes out at once with connection: close', async () => {
    await start({ maxBodyBytes: 1024, maxDrainBytes: 4096 });
    // Headers only, declaring a body far past the drain bound, and no body sent: the answer
    // must come anyway (a server waiting to drain it would never answer).
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(receiver.url).port), '127.0.0.1');
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (c) => {
        text += c;
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write(
        'POST /v1/logs HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
          `content-length: ${1 << 30}\r\n\r\n`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('answers 413 for a gzip bomb: the inflated size is capped too', async () => {
    await start({ maxBodyBytes: 1024 * 1024, maxInflatedBytes: 64 * 1024 });
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await post(bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    // A protobuf Status naming the cap (its message is plain UTF-8 inside the bytes).
    expect(await res.text()).toContain(`inflated body larger than ${64 * 1024} bytes`);
  });

  it('prints readable lines: time, severity, service/pod, scope, body, attributes and the stack', async () => {
    await start();
    await post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    const text = lines.join('\n');
    const records = lines.filter((l) => /^\d{4}-/.test(l));
    expect(records[0]).toBe(
      `${new Date(Number(T0 / 1_000_000n)).toISOString()} INFO  checkout/checkout-7d9f [orders] order placed orderId=42 items=["a","b"]`,
    );
    expect(text).toContain('ERROR checkout/checkout-7d9f [orders] event=payment.failed payment failed');
    expect(text).toContain('\n    at pay (pay.js:1:1)');
    expect(text).not.toContain('\x1b[');
  });

  it('colours the severity when asked', async () => {
    await start({ color: true });
    await post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    const records = lines.filter((l) => l.includes('[orders]'));
    expect(records[0]).toContain('\x1b[32mINFO ');
    expect(records[1]).toContain('\x1b[31mERROR');
  });

  it('prints NDJSON with json: true', async () => {
    await start({ json: true });
    await post(protobufRequest(), { 'content-type': 'application/x-protobuf' });
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({
      severity: 'INFO',
      severityNumber: 9,
      service: 'checkout',
      pod: 'checkout-7d9f',
      scope: 'orders',
      body: 'order placed',
      attributes: { orderId: 42, items: ['a', 'b'] },
      timeUnixNano: T0.toString(),
    });
    expect(parsed[1]).toMatchObject({ eventName: 'payment.failed', traceId: 'ab'.repeat(16) });
  });
});
