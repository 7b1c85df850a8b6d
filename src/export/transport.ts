/**
 * One HTTP POST to the endpoint, nothing more: no retries, no interpretation of the answer.
 * Bounds what a request may cost: `timeoutMs` from the call until the response body is read,
 * and a 4 MiB cap on the response body. (Concurrency is limited a layer up, by the health
 * gate; the pool has one connection per allowed request.)
 */
import type { Dispatcher } from 'undici';
import { ExportAbortedError, ExportTimeoutError } from '../errors.js';
import type { ExportConfig } from './options.js';

/** Idle keep-alive sockets are reused for this long (collectors usually keep them 60 s+). */
const KEEP_ALIVE_MS = 30_000;

/** Response bodies beyond this are cut off (a partial_success or error body is tiny). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

interface HttpRequest {
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
  /** The body was longer than the cap and was cut off. */
  readonly truncated: boolean;
}

export interface Transport {
  /** Sends one request. Rejects with `ExportTimeoutError`, `ExportAbortedError` or a network error. */
  send(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse>;
  /** Lets requests in flight finish, then closes the connections. */
  close(): Promise<void>;
}

/** The `Transport` over undici: podlog's own keep-alive pool (or proxy agent), or the `dispatcher` option's. */
export class UndiciTransport implements Transport {
  readonly #config: ExportConfig;
  /**
   * podlog's own, ours to close. undici is loaded at the first request, not at `import 'podlog'`
   * (it is most of the import cost: bench/import-time.mjs); the promise is shared, so it is
   * loaded and built once.
   */
  #built: Promise<Dispatcher> | undefined;
  readonly #origin: string;
  readonly #path: string;

  constructor(config: ExportConfig) {
    this.#config = config;
    this.#origin = config.endpoint.origin;
    this.#path = config.endpoint.pathname + config.endpoint.search;
  }

  async send(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const { timeoutMs } = this.#config;
    const aborted = new ExportAbortedError();
    const controller = new AbortController();
    const timeout = new ExportTimeoutError(timeoutMs);
    const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
    // The request's socket keeps the process alive while it matters; this timer must not.
    timer.unref();
    const onAbort = () => controller.abort(aborted);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      const res = await (await this.#dispatcher()).request({
        origin: this.#origin,
        path: this.#path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      return { status: res.statusCode, headers: res.headers, ...(await readCapped(res.body)) };
    } catch (err) {
      // Whatever shape undici gives an aborted request, the reason is the controller's.
      if (controller.signal.aborted) throw controller.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    // Never built: nothing to close (and no reason to load undici now).
    if (this.#built !== undefined) await (await this.#built).close();
  }

  /** The `dispatcher` option (the caller's to close), else podlog's own. */
  #dispatcher(): Dispatcher | Promise<Dispatcher> {
    if (this.#config.dispatcher) return this.#config.dispatcher;
    this.#built ??= createDispatcher(this.#config);
    return this.#built;
  }
}

/** A response body, cut off at {@link MAX_RESPONSE_BYTES}. */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
): Promise<{ body: Uint8Array; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > MAX_RESPONSE_BYTES) {
      chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
      body.destroy();
      return { body: Buffer.concat(chunks, MAX_RESPONSE_BYTES), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks, size), truncated: false };
}

/**
 * podlog's dispatcher for the endpoint: a keep-alive `Pool` (one connection per concurrent
 * request), or a `ProxyAgent` tunnelling to it. TLS settings apply to the endpoint either way.
 */
async function createDispatcher(config: ExportConfig): Promise<Dispatcher> {
  const { Pool, ProxyAgent } = await import('undici');
  // Unset (undefined) parts keep Node's defaults (its CA bundle, no client certificate).
  const tlsOptions = { ...config.tls };
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
