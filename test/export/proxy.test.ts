import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { makeBatch } from '../helpers/otlp-independent.js';
import { createTestPki, type TestPki } from './helpers/certs.js';
import { closeExporters, makeExporter } from './helpers/setup.js';

/** A minimal HTTP CONNECT proxy on 127.0.0.1 that records each tunnel it opens. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(String(req.url));
    const [host, port] = String(req.url).split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('http exporter: HTTP proxy from the environment', () => {
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  let server: FaultServer | undefined;
  let pki: TestPki;
  beforeAll(() => {
    pki = createTestPki();
  });
  afterAll(() => pki.cleanup());
  beforeEach(async () => {
    proxy = await startConnectProxy();
  });
  afterEach(async () => {
    await closeExporters();
    await server?.close();
    server = undefined;
    await proxy.close();
  });

  it('HTTP_PROXY: the request tunnels through the proxy', async () => {
    server = await startFaultServer();
    const { exporter } = makeExporter({ endpoint: server.endpoint }, { HTTP_PROXY: proxy.url });
    expect((await exporter.export(makeBatch('via-proxy'))).exported).toBe(3);
    expect(proxy.tunnels).toEqual([new URL(server.url).host]);
    expect(server.records()).toHaveLength(3);
  });

  it('NO_PROXY matching the endpoint host: direct connection', async () => {
    server = await startFaultServer();
    const { exporter } = makeExporter(
      { endpoint: server.endpoint },
      { http_proxy: proxy.url, NO_PROXY: 'example.com,127.0.0.1' },
    );
    expect((await exporter.export(makeBatch('direct'))).exported).toBe(3);
    expect(proxy.tunnels).toEqual([]);
  });

  it('HTTPS_PROXY with a private CA: TLS to the endpoint inside the tunnel', async () => {
    server = await startFaultServer({ tls: { key: pki.serverKey, cert: pki.serverCert } });
    const { exporter } = makeExporter(
      { endpoint: server.endpoint, tls: { ca: pki.caCert } },
      { HTTPS_PROXY: proxy.url, HTTP_PROXY: 'http://127.0.0.1:1' },
    );
    expect((await exporter.export(makeBatch('tls-proxy'))).exported).toBe(3);
    expect(proxy.tunnels).toEqual([new URL(server.url).host]);
  });
});
