/**
 * The undici dispatcher for the endpoint: a keep-alive `Pool` (one connection per concurrent
 * request), or a `ProxyAgent` tunnelling to it. TLS settings apply to the endpoint either way.
 * undici itself is imported here, at the first request (see transport.ts).
 */
import type { Dispatcher } from 'undici';
import type { ExportConfig } from './options.js';

/** Idle keep-alive sockets are reused for this long (collectors usually keep them 60 s+). */
const KEEP_ALIVE_MS = 30_000;

export async function createDispatcher(config: ExportConfig): Promise<Dispatcher> {
  const { Pool, ProxyAgent } = await import('undici');
  const { tls } = config;
  const tlsOptions = {
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
  const common = {
    connections: config.maxConcurrentRequests,
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_MS,
    // The exporter runs its own per-request timeout; undici's 300 s phase timeouts stay as a backstop.
  };
  if (config.proxy) {
    return new ProxyAgent({ uri: config.proxy.href, requestTls: tlsOptions, ...common });
  }
  return new Pool(config.endpoint.origin, { ...common, connect: tlsOptions });
}
