/**
 * `podlog receive` fuzzed over HTTP: every hostile body gets a 4xx with a short reason (or a
 * 200 when it happens to be valid), the server never crashes, and its memory stays bounded:
 * the worst bodies (gzip bomb, record floods in both encodings, deep nesting) are thrown at a
 * receiver process whose heap is capped at 256 MB, which must answer each and stay alive.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';
import { deepProtobuf, jsonBodies, mutated, recordFlood, validJson, validProtobuf } from './bodies.js';

const CHILD = fileURLToPath(new URL('./fixtures/receiver-child.ts', import.meta.url));
const SHORT = 300;

async function post(url: string, body: Uint8Array | string, headers: Record<string, string>) {
  const res = await fetch(`${url}/v1/logs`, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, text };
}

function expectAnswer(a: { status: number; text: string }): void {
  expect([200, 400, 413, 415]).toContain(a.status);
  if (a.status !== 200) {
    expect(a.text.length).toBeGreaterThan(0);
    expect(a.text.length).toBeLessThan(SHORT);
  }
}

describe('podlog receive fuzz (in process)', () => {
  let r: RunningReceiver;
  beforeAll(async () => {
    r = await startReceiver({ port: 0, write: null });
  });
  afterAll(async () => {
    await r.close();
  });

  const encodings = fc.constantFrom('', 'gzip', 'deflate', 'gzip-garbage', 'br');
  function wrap(body: Uint8Array, enc: string): { body: Uint8Array; headers: Record<string, string> } {
    if (enc === '') return { body, headers: {} };
    if (enc === 'gzip') return { body: gzipSync(body), headers: { 'content-encoding': 'gzip' } };
    if (enc === 'deflate') return { body: deflateSync(body), headers: { 'content-encoding': 'deflate' } };
    if (enc === 'gzip-garbage') return { body, headers: { 'content-encoding': 'gzip' } };
    return { body, headers: { 'content-encoding': enc } };
  }

  it('random and mutated protobuf bodies, any encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated(validProtobuf())),
        encodings,
        async (b, enc) => {
          const w = wrap(b, enc);
          expectAnswer(await post(r.url, w.body, { 'content-type': 'application/x-protobuf', ...w.headers }));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random, OTLP-shaped and mutated JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBodies(), encodings, async (text, enc) => {
        const w = wrap(Buffer.from(text), enc);
        expectAnswer(await post(r.url, w.body, { 'content-type': 'application/json', ...w.headers }));
      }),
      { numRuns: 150 },
    );
  });

  it('still answers a valid request afterwards', async () => {
    const a = await post(r.url, validProtobuf(), { 'content-type': 'application/x-protobuf' });
    expect(a.status).toBe(200);
    const j = await post(r.url, validJson(), { 'content-type': 'application/json' });
    expect(j.status).toBe(200);
  });
});

describe('podlog receive: bounded memory (a process with a 256 MB heap)', () => {
  let child: ChildProcess;
  let url: string;
  let exited: { code: number | null; signal: string | null } | undefined;
  beforeAll(async () => {
    child = spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', CHILD], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
    });
    url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        const m = /URL (\S+)/.exec(buf);
        if (m) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error('receiver child exited before listening')));
    });
  });
  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('answers the worst bodies with 4xx and stays alive', async () => {
    const pb = { 'content-type': 'application/x-protobuf' };
    const gz = { ...pb, 'content-encoding': 'gzip' };
    // gzip bomb: 20 gzip members of 16 MiB of zeros each, ~320 MiB once inflated, ~330 KB sent.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 20 }, () => member));
    const cases: Array<[string, Uint8Array | string, Record<string, string>, number]> = [
      ['gzip bomb', bomb, gz, 413],
      ['raw body over the cap', Buffer.alloc(17 * 1024 * 1024), pb, 413],
      ['8M empty records (16 MiB raw)', recordFlood(8 * 1024 * 1024 - 8), pb, 413],
      ['30M empty records gzipped (60 MiB inflated)', gzipSync(recordFlood(30_000_000)), gz, 413],
      [
        '5M empty JSON records (15 MB)',
        `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${'{},'.repeat(5_000_000)}{}]}]}]}`,
        { 'content-type': 'application/json' },
        413,
      ],
      [
        'deep JSON arrays (8 MB)',
        `${'['.repeat(4_000_000)}${']'.repeat(4_000_000)}`,
        { 'content-type': 'application/json' },
        413,
      ],
      ['deep protobuf nesting', deepProtobuf(3000), pb, 400],
    ];
    for (const [name, body, headers, status] of cases) {
      const a = await post(url, body, headers);
      expect({ name, status: a.status }).toEqual({ name, status });
      expect(a.text.length).toBeLessThan(SHORT);
      expect(exited).toBeUndefined();
    }
    expect((await post(url, validProtobuf(), pb)).status).toBe(200);
    expect(exited).toBeUndefined();
  }, 60_000);
});
