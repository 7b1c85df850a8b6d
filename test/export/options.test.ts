import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { matchesNoProxy, resolveExportOptions } from '../../src/export/index.js';
import { invalid } from '../config/helpers.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('resolveExportOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podlog-opts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has spec defaults', () => {
    const c = resolveExportOptions({}, {});
    expect(c.endpoint.href).toBe('http://localhost:4318/v1/logs');
    expect(c.protocol).toBe('http/protobuf');
    expect(c.compression).toBe('none');
    expect(c.timeoutMs).toBe(10_000);
    expect(c.maxConcurrentRequests).toBe(2);
    expect(c.maxRequestBytes).toBe(4 * 1024 * 1024);
    expect(c.retry).toEqual({
      maxAttempts: 12,
      maxElapsedMs: 20_000,
      initialDelayMs: 500,
      maxDelayMs: 2_000,
      maxRetryAfterMs: 60_000,
    });
    expect(c.tls.rejectUnauthorized).toBe(true);
    expect(c.proxy).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads protocol, compression and timeout from LOGS env first, then the generic env; code wins', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    };
    const c = resolveExportOptions({}, env);
    expect([c.protocol, c.compression, c.timeoutMs]).toEqual(['http/json', 'gzip', 2500]);
    const code = resolveExportOptions({ protocol: 'http/protobuf', compression: 'none', timeoutMs: 7 }, env);
    expect([code.protocol, code.compression, code.timeoutMs]).toEqual(['http/protobuf', 'none', 7]);
    expect(resolveExportOptions({}, { OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '1' }).timeoutMs).toBe(1);
  });

  it('rejects grpc with a message that says what to do', () => {
    const err = invalid(() => resolveExportOptions({}, { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc' }));
    expect(err.option).toBe('OTEL_EXPORTER_OTLP_LOGS_PROTOCOL');
    expect(err.message).toMatch(/OTLP\/HTTP only/);
    expect(err.message).toMatch(/4318/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input.
    expect(invalid(() => resolveExportOptions({ protocol: 'grpc' as any }, {})).option).toBe('protocol');
  });

  it('names the bad option or env var', () => {
    const cases: Array<[() => unknown, string]> = [
      [
        () => resolveExportOptions({}, { OTEL_EXPORTER_OTLP_COMPRESSION: 'br' }),
        'OTEL_EXPORTER_OTLP_COMPRESSION',
      ],
      [
        () => resolveExportOptions({}, { OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '10s' }),
        'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
      ],
      [() => resolveExportOptions({ timeoutMs: 0 }, {}), 'timeoutMs'],
      [() => resolveExportOptions({ maxConcurrentRequests: 0 }, {}), 'maxConcurrentRequests'],
      [() => resolveExportOptions({ maxRequestBytes: 10 }, {}), 'maxRequestBytes'],
      [() => resolveExportOptions({ retry: { maxAttempts: 0 } }, {}), 'retry.maxAttempts'],
      [
        () => resolveExportOptions({ retry: { initialDelayMs: 900, maxDelayMs: 100 } }, {}),
        'retry.maxDelayMs',
      ],
      [() => resolveExportOptions({ proxy: 'ftp://proxy' }, {}), 'proxy'],
      [() => resolveExportOptions({ tls: { ca: join(dir, 'missing.pem') } }, {}), 'tls.ca'],
      [() => resolveExportOptions({ tls: { cert: PEM } }, {}), 'tls.key'],
      [() => resolveExportOptions({}, { OTEL_EXPORTER_OTLP_CLIENT_KEY: PEM }), 'tls.cert'],
    ];
    for (const [fn, option] of cases) expect(invalid(fn).option).toBe(option);
  });

  it('reads TLS material from env file paths (LOGS first) and from options as PEM or path', () => {
    const ca = join(dir, 'ca.pem');
    const other = join(dir, 'other.pem');
    writeFileSync(ca, PEM);
    writeFileSync(other, PEM.replace('MIIB', 'MIIC'));
    const c = resolveExportOptions(
      {},
      {
        OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: ca,
        OTEL_EXPORTER_OTLP_CERTIFICATE: other,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: other,
        OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: ca,
      },
    );
    expect(c.tls.ca?.toString()).toBe(PEM);
    expect(c.tls.cert?.toString()).toContain('MIIC');
    expect(c.tls.key?.toString()).toBe(PEM);
    const o = resolveExportOptions({ tls: { ca: PEM, rejectUnauthorized: false } }, {});
    expect(o.tls.ca?.toString()).toBe(PEM);
    expect(o.tls.rejectUnauthorized).toBe(false);
    writeFileSync(join(dir, 'not-pem.txt'), 'hello');
    expect(invalid(() => resolveExportOptions({ tls: { ca: join(dir, 'not-pem.txt') } }, {})).option).toBe(
      'tls.ca',
    );
  });

  it('picks the proxy by endpoint scheme, lower-case first, unless NO_PROXY matches', () => {
    const env = { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', HTTP_PROXY: 'proxy:3' };
    expect(resolveExportOptions({ endpoint: 'https://otel.example.com/v1/logs' }, env).proxy?.host).toBe(
      'lower:2',
    );
    expect(resolveExportOptions({ endpoint: 'http://otel.example.com/v1/logs' }, env).proxy?.host).toBe(
      'proxy:3',
    );
    const excluded = { ...env, NO_PROXY: 'localhost, .example.com' };
    expect(
      resolveExportOptions({ endpoint: 'https://otel.example.com/v1/logs' }, excluded).proxy,
    ).toBeUndefined();
    expect(
      resolveExportOptions({ endpoint: 'https://otel.example.com/', proxy: false }, env).proxy,
    ).toBeUndefined();
    expect(resolveExportOptions({ proxy: 'http://explicit:9' }, {}).proxy?.host).toBe('explicit:9');
  });
});

describe('matchesNoProxy', () => {
  const u = (s: string) => new URL(s);
  it.each([
    ['http://127.0.0.1:4318/', '127.0.0.1', true],
    ['http://127.0.0.1:4318/', '127.0.0.1:4318', true],
    ['http://127.0.0.1:4318/', '127.0.0.1:9999', false],
    ['https://a.example.com/', 'example.com', true],
    ['https://a.example.com/', '.example.com', true],
    ['https://a.example.com/', '*.example.com', true],
    ['https://example.com/', '.example.com', true],
    ['https://badexample.com/', 'example.com', false],
    ['https://otel.internal:443/', 'otel.internal:443', true],
    ['http://[::1]:4318/', '::1', true],
    ['http://[::1]:4318/', '[::1]:4318', true],
    ['https://anything/', '*', true],
    ['https://anything/', '', false],
  ])('%s vs NO_PROXY=%j → %s', (url, noProxy, expected) => {
    expect(matchesNoProxy(u(url), noProxy)).toBe(expected);
  });
});

describe('wiring into createLogger options', () => {
  it('export options sit at the top level of LoggerOptions and fail fast at resolve time', async () => {
    const { resolveConfig } = await import('../../src/config/index.js');
    expect(() => resolveConfig({ env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } })).toThrow(/OTLP\/HTTP only/);
    const config = resolveConfig({ env: {}, compression: 'gzip', retry: { maxAttempts: 2 } });
    expect(config.export.compression).toBe('gzip');
    expect(config.export.retry.maxAttempts).toBe(2);
  });
});

describe('header list errors', () => {
  it('never show header values', () => {
    const err = invalid(() =>
      resolveExportOptions({}, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cr3t,broken' }),
    );
    expect(err.option).toBe('OTEL_EXPORTER_OTLP_HEADERS');
    expect(err.message).not.toContain('s3cr3t');
  });
});
