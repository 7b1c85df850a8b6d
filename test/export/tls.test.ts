import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { makeBatch } from '../helpers/otlp-independent.js';
import { createTestPki, type TestPki } from './helpers/certs.js';
import { closeExporters, makeExporter } from './helpers/setup.js';

describe('http exporter: TLS and mTLS (real https server on 127.0.0.1, certificates made at test time)', () => {
  let pki: TestPki;
  let server: FaultServer | undefined;
  beforeAll(() => {
    pki = createTestPki();
  });
  afterAll(() => pki.cleanup());
  afterEach(async () => {
    await closeExporters();
    await server?.close();
    server = undefined;
  });

  const once = { retry: { maxAttempts: 1 } };

  it('verifies the server certificate by default: an unknown CA is refused (batch kept, cause named)', async () => {
    server = await startFaultServer({ tls: { key: pki.serverKey, cert: pki.serverCert } });
    const { exporter, lines } = makeExporter({ endpoint: server.endpoint, ...once });
    const batch = makeBatch('tls-default');
    expect((await exporter.export(batch)).undelivered).toEqual([batch]);
    expect(server.requests).toHaveLength(0);
    expect(lines.join('\n')).toMatch(/CERT|certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i);
  });

  it('tls.ca (PEM text) trusts a private CA', async () => {
    server = await startFaultServer({ tls: { key: pki.serverKey, cert: pki.serverCert } });
    const { exporter } = makeExporter({ endpoint: server.endpoint, tls: { ca: pki.caCert }, ...once });
    expect((await exporter.export(makeBatch('tls-ca'))).exported).toBe(3);
    expect(server.records()).toHaveLength(3);
  });

  it('OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE (file path) trusts a private CA', async () => {
    server = await startFaultServer({ tls: { key: pki.serverKey, cert: pki.serverCert } });
    const { exporter } = makeExporter(
      { endpoint: server.endpoint, ...once },
      {
        OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: pki.caCertPath,
      },
    );
    expect((await exporter.export(makeBatch('tls-env'))).exported).toBe(3);
  });

  it('mTLS: the client certificate from env file paths is presented; without it the server refuses', async () => {
    server = await startFaultServer({
      tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true },
    });
    const without = makeExporter({ endpoint: server.endpoint, tls: { ca: pki.caCertPath }, ...once });
    const refused = makeBatch('no-client-cert');
    expect((await without.exporter.export(refused)).undelivered).toEqual([refused]);
    expect(server.requests).toHaveLength(0);

    const { exporter } = makeExporter(
      { endpoint: server.endpoint, ...once },
      {
        OTEL_EXPORTER_OTLP_CERTIFICATE: pki.caCertPath,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pki.clientCertPath,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: pki.clientKeyPath,
      },
    );
    expect((await exporter.export(makeBatch('mtls'))).exported).toBe(3);
    expect(server.requests[0].clientCertCN).toBe('podlog-client');
  });

  it('mTLS via options (paths and PEM mixed)', async () => {
    server = await startFaultServer({
      tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true },
    });
    const { exporter } = makeExporter({
      endpoint: server.endpoint,
      tls: { ca: pki.caCertPath, cert: pki.clientCert, key: pki.clientKeyPath },
      ...once,
    });
    expect((await exporter.export(makeBatch('mtls-opt'))).exported).toBe(3);
    expect(server.requests[0].clientCertCN).toBe('podlog-client');
  });

  it('tls.rejectUnauthorized: false works without the CA, and says so loudly', async () => {
    server = await startFaultServer({ tls: { key: pki.serverKey, cert: pki.serverCert } });
    const { exporter, lines } = makeExporter({
      endpoint: server.endpoint,
      tls: { rejectUnauthorized: false },
      ...once,
    });
    expect(lines.some((l) => l.includes('verification is DISABLED'))).toBe(true);
    expect((await exporter.export(makeBatch('insecure'))).exported).toBe(3);
  });
});
