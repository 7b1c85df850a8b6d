/**
 * One HTTP POST to the endpoint, nothing more: no retries, no interpretation of the answer.
 * Bounds what a request may cost: `timeoutMs` from the call until the response body is read,
 * and a 4 MiB cap on the response body. (Concurrency is limited a layer up, before the health
 * gate; the pool has one connection per allowed request.)
 */
import type { Dispatcher } from 'undici';
import { createDispatcher } from './dispatcher.js';
import { ExportAbortedError, ExportTimeoutError } from './errors.js';
import type { ExportConfig } from './options.js';

/** Response bodies beyond this are cut off (a partial_success or error body is tiny). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface HttpRequest {
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

export interface TransportDeps {
  config: ExportConfig;
  /** For tests: a dispatcher to use instead of the one built from the config. */
  dispatcher?: Dispatcher;
}

export function createTransport({ config, dispatcher }: TransportDeps): Transport {
  // A dispatcher handed in by the caller is theirs to close; one we build is ours.
  const owned = !dispatcher && !config.dispatcher;
  const given = dispatcher ?? config.dispatcher;
  // undici is loaded at the first request, not at `import 'podlog'` (it is most of the import
  // cost: bench/import-time.mjs); the promise is shared, so it is loaded and built once.
  let built: Promise<Dispatcher> | undefined;
  const dispatcherFor = (): Dispatcher | Promise<Dispatcher> => {
    if (given) return given;
    built ??= createDispatcher(config);
    return built;
  };
  const origin = config.endpoint.origin;
  const path = config.endpoint.pathname + config.endpoint.search;

  async function send(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const aborted = new ExportAbortedError();
    const controller = new AbortController();
    const timeout = new ExportTimeoutError(config.timeoutMs);
    const timer = setTimeout(() => controller.abort(timeout), config.timeoutMs);
    // The request's socket keeps the process alive while it matters; this timer must not.
    timer.unref();
    const onAbort = () => controller.abort(aborted);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      const d = await dispatcherFor();
      const res = await d.request({
        origin,
        path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (size + chunk.length > MAX_RESPONSE_BYTES) {
          chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
          size = MAX_RESPONSE_BYTES;
          truncated = true;
          res.body.destroy();
          break;
        }
        chunks.push(chunk);
        size += chunk.length;
      }
      return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks, size), truncated };
    } catch (err) {
      // Whatever shape undici gives an aborted request, the reason is the controller's.
      if (controller.signal.aborted) throw controller.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    send,
    async close() {
      // Never built: nothing to close (and no reason to load undici now).
      if (owned && built !== undefined) await (await built).close();
    },
  };
}
