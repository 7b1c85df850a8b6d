/**
 * Endpoint rules: user-info becomes Basic auth (and is masked everywhere), an endpoint with no
 * path warns at createLogger (the base env var gets `/v1/logs`, the others are used as given),
 * and an unreachable backend gets one explanatory diagnostic. Real servers on 127.0.0.1.
 */
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveExportOptions } from '../../src/export/index.js';
import { createLogger } from '../../src/logger/index.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { makeBatch } from '../helpers/otlp-independent.js';
import { makeExporter, useFaultServer } from './helpers/setup.js';

const USER = 'ali%40ce';
const PASS = 'p%3Ass-w0rd-9c1b7e';
const PASS_DECODED = 'p:ss-w0rd-9c1b7e';
const BASIC = `Basic ${Buffer.from(`ali@ce:${PASS_DECODED}`).toString('base64')}`;

/** A port nothing listens on (bound, then closed). */
async function refusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('user-info in the endpoint URL', () => {
  const server = useFaultServer();
  const withUserInfo = () => server().endpoint.replace('http://', `http://${USER}:${PASS}@`);

  it('is sent as Authorization: Basic (percent-decoded) and removed from the URL', async () => {
    const { exporter, lines } = makeExporter({ endpoint: withUserInfo() });
    const outcome = await exporter.export(makeBatch('b-auth', { layout: [[2]] }));
    expect(outcome.exported).toBe(2);
    const [req] = server().requests;
    expect(req.headers.authorization).toBe(BASIC);
    expect(req.url).toBe('/v1/logs');
    expect(lines.join('\n')).not.toContain(PASS_DECODED);
  });

  it('is masked in every diagnostic, even when the backend echoes it back', async () => {
    server().enqueue({
      status: 401,
      body: `bad credentials ${USER}:${PASS} = ali@ce:${PASS_DECODED} (${BASIC.slice(6)})`,
    });
    const { exporter, lines, counters } = makeExporter({ endpoint: `${withUserInfo()}?api_key=qk_7781aa90` });
    const outcome = await exporter.export(makeBatch('b-401', { layout: [[1]] }));
    expect(outcome.dropped.rejected).toBe(1);
    const all = [...lines, JSON.stringify(outcome), JSON.stringify(counters)].join('\n');
    expect(lines.some((l) => l.includes('HTTP 401'))).toBe(true);
    for (const secret of [PASS, PASS_DECODED, BASIC.slice(6), 'qk_7781aa90'])
      expect(all).not.toContain(secret);
    expect(server().requests[0].url).toBe('/v1/logs?api_key=qk_7781aa90');
  });

  it('an explicit authorization header wins (case-insensitive), with a warning that names no secret', async () => {
    const { exporter, lines } = makeExporter({
      endpoint: withUserInfo(),
      headers: { Authorization: 'Bearer tok-5566778899' },
    });
    await exporter.export(makeBatch('b-hdr', { layout: [[1]] }));
    expect(server().requests[0].headers.authorization).toBe('Bearer tok-5566778899');
    expect(lines.some((l) => /user-info is not sent.*header wins/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toContain(PASS_DECODED);
  });

  it('from the base env var too: stripped from the endpoint, sent as Basic', () => {
    const c = resolveExportOptions({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://u:secretpw1@collector:4318' });
    expect(c.endpoint.href).toBe('https://collector:4318/v1/logs');
    expect(c.headers.authorization).toBe(`Basic ${Buffer.from('u:secretpw1').toString('base64')}`);
  });
});

describe('an endpoint with no path', () => {
  const server = useFaultServer();

  it('OTEL_EXPORTER_OTLP_ENDPOINT is a base: /v1/logs is appended, no warning', async () => {
    const { exporter, lines } = makeExporter({}, { OTEL_EXPORTER_OTLP_ENDPOINT: server().url });
    await exporter.export(makeBatch('b-base', { layout: [[1]] }));
    expect(server().requests[0].url).toBe('/v1/logs');
    expect(lines.filter((l) => l.includes('has no path'))).toEqual([]);
  });

  for (const via of ['endpoint option', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'] as const) {
    it(`the ${via} is used as given, with one warning at createLogger (masked)`, async () => {
      const given = server().url.replace('http://', 'http://user:hunter2hunter2@');
      const port = new URL(server().url).port;
      const lines: string[] = [];
      const log = createLogger({
        ...(via === 'endpoint option' ? { endpoint: given, env: {} } : { env: { [via]: `${given}/` } }),
        diagnostics: (line) => lines.push(line),
        handleExit: false,
        podinfoDir: false,
        retry: { maxAttempts: 1 },
      });
      // At createLogger, before anything is logged.
      expect(lines).toEqual([
        `endpoint http://127.0.0.1:${port}/ has no path; did you mean http://127.0.0.1:${port}/v1/logs?`,
      ]);
      log.info('hello');
      await log.shutdown();
      expect(server().requests[0].url).toBe('/');
      expect(lines.join('\n')).not.toContain('hunter2');
    });
  }
});

describe('no backend at all', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
  });
  afterEach(() => {
    lines = [];
  });

  it('one diagnostic at the first failed export names the endpoint, how to set one, and the deadline', async () => {
    const port = await refusedPort();
    const log = createLogger({
      endpoint: `http://token:pw-3344556677@127.0.0.1:${port}/v1/logs`,
      env: {},
      diagnostics: (line) => lines.push(line),
      handleExit: false,
      podinfoDir: false,
      shutdownTimeoutMs: 300,
      retry: { initialDelayMs: 5, maxDelayMs: 10, maxElapsedMs: 200 },
    });
    log.info('one');
    await log.flush();
    log.info('two');
    await log.shutdown();
    const told = lines.filter((l) => l.includes('no OTLP backend answers'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`http://127.0.0.1:${port}/v1/logs`);
    expect(told[0]).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(told[0]).toContain('endpoint option');
    expect(told[0]).toContain('shutdownTimeoutMs, 300 ms');
    expect(lines.join('\n')).not.toContain('pw-3344556677');
    expect(log.stats().dropped.total).toBe(2);
  });

  it('is not said when the backend answers', async () => {
    let server: FaultServer | undefined;
    try {
      server = await startFaultServer();
      const log = createLogger({
        endpoint: server.endpoint,
        env: {},
        diagnostics: (line) => lines.push(line),
        handleExit: false,
        podinfoDir: false,
      });
      log.info('one');
      await log.shutdown();
      expect(log.stats().exported).toBe(1);
      expect(lines.filter((l) => l.includes('no OTLP backend'))).toEqual([]);
    } finally {
      await server?.close();
    }
  });
});
