import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { Transport } from '../../src/export/index.js';
import { makeBatch } from '../helpers/otlp-independent.js';
import { makeExporter, useFaultServer } from './helpers/setup.js';

const SECRET = 'Bearer s3cr3t-t0ken-value';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('http exporter: retries (real server on 127.0.0.1)', () => {
  const server = useFaultServer();

  it.each([408, 429, 502, 503, 504])('HTTP %i is retried, same batch id, then delivered', async (status) => {
    server().enqueue({ status }, { status: 200 });
    const { exporter, counters, lines } = makeExporter({ endpoint: server().endpoint });
    const outcome = await exporter.export(makeBatch('r-1'));
    expect(outcome).toEqual({ exported: 3, dropped: {}, undelivered: [] });
    expect(server().requests.map((r) => r.headers['podlog-batch-id'])).toEqual(['r-1', 'r-1']);
    expect(counters.retries).toBe(1);
    expect(counters.requests).toBe(1);
    expect(counters.bytesSent).toBe(server().requests[0].raw.length * 2);
    expect(lines.some((l) => l.includes(`HTTP ${status}`))).toBe(true);
  });

  it('honours Retry-After in seconds, clamped by retry.maxRetryAfterMs', async () => {
    server().enqueue({ status: 429, headers: { 'retry-after': '120' } }, { status: 200 });
    const { exporter, lines } = makeExporter({ endpoint: server().endpoint, retry: { maxRetryAfterMs: 25 } });
    expect((await exporter.export(makeBatch('ra'))).exported).toBe(3);
    expect(lines.find((l) => l.includes('HTTP 429'))).toContain('retrying in 25 ms');
  });

  it('honours Retry-After as an HTTP date', async () => {
    const soon = new Date(Date.now() + 3_000).toUTCString();
    server().enqueue({ status: 503, headers: { 'retry-after': soon } }, { status: 200 });
    const { exporter, lines } = makeExporter({ endpoint: server().endpoint, retry: { maxRetryAfterMs: 30 } });
    expect((await exporter.export(makeBatch('rd'))).exported).toBe(3);
    expect(lines.find((l) => l.includes('HTTP 503'))).toContain('retrying in 30 ms');
  });

  it('a connection reset is retried', async () => {
    server().enqueue({ reset: true }, { status: 200 });
    const { exporter, counters } = makeExporter({ endpoint: server().endpoint });
    expect((await exporter.export(makeBatch('reset'))).exported).toBe(3);
    expect(server().requests).toHaveLength(2);
    expect(counters.retries).toBe(1);
  });

  it('a request with no answer times out after timeoutMs and is retried', async () => {
    server().enqueue({ hang: true }, { status: 200 });
    const { exporter, lines } = makeExporter({ endpoint: server().endpoint, timeoutMs: 150 });
    expect((await exporter.export(makeBatch('slow'))).exported).toBe(3);
    expect(lines.some((l) => l.includes('no complete answer within 150 ms'))).toBe(true);
  });

  it('retry budget (attempts) spent: the batch comes back undelivered, unchanged, not dropped', async () => {
    server().fallback = { status: 503 };
    const { exporter, counters, lines } = makeExporter({
      endpoint: server().endpoint,
      retry: { maxAttempts: 3 },
    });
    const batch = makeBatch('gone');
    const outcome = await exporter.export(batch);
    expect(outcome).toEqual({ exported: 0, dropped: {}, undelivered: [batch] });
    expect(server().requests).toHaveLength(3);
    expect(counters.retries).toBe(2);
    expect(exporter.gate.healthy).toBe(false);
    expect(lines.some((l) => l.includes('retry budget spent (attempts)'))).toBe(true);
  });

  it('connection refused: retried, then undelivered; diagnostics name the cause, never header values', async () => {
    const port = await closedPort();
    const { exporter, lines, counters } = makeExporter({
      endpoint: `http://user:pw@127.0.0.1:${port}/v1/logs?api_key=k3y`,
      headers: { authorization: SECRET },
      retry: { maxAttempts: 2 },
    });
    const batch = makeBatch('refused');
    expect((await exporter.export(batch)).undelivered).toEqual([batch]);
    expect(counters.bytesSent).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('k3y');
    expect(text).not.toContain('pw@');
  });

  it('transport error text (undici, proxy) is masked like a response excerpt: header values, proxy credentials', async () => {
    // A transport whose error echoes what it was given, as a proxy's or undici's message may.
    const echoing: Transport = {
      send: () =>
        Promise.reject(
          Object.assign(new TypeError('fetch failed'), {
            cause: Object.assign(
              new Error(
                `proxy said no to alice:pr0xy-pa$$w0rd with ${SECRET}\nsecond line ${'x'.repeat(5000)}`,
              ),
              { code: 'UND_ERR_SOCKET' },
            ),
          }),
        ),
      close: () => Promise.resolve(),
    };
    const { exporter, lines } = makeExporter(
      {
        endpoint: server().endpoint,
        headers: { authorization: SECRET },
        proxy: 'http://alice:pr0xy-pa%24%24w0rd@127.0.0.1:3128',
        retry: { maxAttempts: 2 },
      },
      {},
      { transport: echoing },
    );
    const batch = makeBatch('masked');
    expect((await exporter.export(batch)).undelivered).toEqual([batch]);
    const text = lines.join('\n');
    expect(text).toContain('UND_ERR_SOCKET: proxy said no to [REDACTED]:[REDACTED] with [REDACTED]');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('pr0xy');
    expect(text).not.toContain('x'.repeat(300)); // bounded, like an excerpt
    for (const line of lines) expect(line).not.toContain('\n');
  });

  it('DNS failure is retryable too', async () => {
    const { exporter, lines } = makeExporter({
      endpoint: 'http://podlog-no-such-host.invalid:4318/v1/logs',
      retry: { maxAttempts: 2 },
    });
    const batch = makeBatch('dns');
    expect((await exporter.export(batch)).undelivered).toEqual([batch]);
    expect(lines.some((l) => /ENOTFOUND|EAI_AGAIN/.test(l))).toBe(true);
  });

  it('while the backend fails, one probe at a time; every waiting export is delivered once it answers', async () => {
    // The first failure asks for a pause long enough for the other exports to line up behind it.
    server().enqueue({ status: 503, headers: { 'retry-after': '1' } });
    const { exporter, counters } = makeExporter({
      endpoint: server().endpoint,
      maxConcurrentRequests: 4,
      retry: { maxRetryAfterMs: 400 },
    });
    const first = exporter.export(makeBatch('first'));
    await vi.waitFor(() => expect(exporter.gate.healthy).toBe(false));
    expect(exporter.healthy).toBe(false); // not due for a probe yet: the spool must not replay
    server().enqueue(
      { status: 503, delayMs: 10 },
      { status: 503, delayMs: 10 },
      { status: 503, delayMs: 10 },
    );
    const rest = Array.from({ length: 5 }, (_, i) => exporter.export(makeBatch(`w-${i}`)));
    const outcomes = await Promise.all([first, ...rest]);
    expect(outcomes.every((o) => o.exported === 3 && o.undelivered.length === 0)).toBe(true);
    const failing = server().requests.filter((r) => 'status' in r.action && r.action.status === 503);
    expect(failing).toHaveLength(4);
    // Probes never overlapped: each failing request had the server to itself.
    expect(failing.slice(1).map((r) => r.concurrent)).toEqual([1, 1, 1]);
    expect(server().records()).toHaveLength(18);
    expect(counters.requests).toBe(6);
    expect(exporter.gate.healthy).toBe(true);
  });

  it('fails fast into undelivered when the next probe cannot start within the budget', async () => {
    server().enqueue({ status: 503, headers: { 'retry-after': '30' } });
    const { exporter } = makeExporter({ endpoint: server().endpoint, retry: { maxElapsedMs: 1_000 } });
    const a = makeBatch('a');
    expect((await exporter.export(a)).undelivered).toEqual([a]);
    expect(exporter.healthy).toBe(false);
    const b = makeBatch('b');
    expect((await exporter.export(b)).undelivered).toEqual([b]);
    expect(server().requests).toHaveLength(1);
  });

  it('close() hands back exports waiting at the gate; the caller signal does the same', async () => {
    server().enqueue({ status: 503, headers: { 'retry-after': '2' } });
    const { exporter } = makeExporter({ endpoint: server().endpoint });
    const a = makeBatch('a');
    const pendingA = exporter.export(a);
    await vi.waitFor(() => expect(exporter.gate.healthy).toBe(false));
    const controller = new AbortController();
    const b = makeBatch('b');
    const pendingB = exporter.export(b, { signal: controller.signal });
    const c = makeBatch('c');
    const pendingC = exporter.export(c);
    controller.abort();
    expect((await pendingB).undelivered).toEqual([b]);
    await exporter.close();
    expect((await pendingA).undelivered).toEqual([a]);
    expect((await pendingC).undelivered).toEqual([c]);
    expect(server().requests).toHaveLength(1);
    const late = makeBatch('late');
    expect((await exporter.export(late)).undelivered).toEqual([late]);
  });
});
