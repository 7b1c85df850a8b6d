/**
 * An undici `Dispatcher` that sends every request through `globalThis.fetch`.
 *
 * Why: podlog's exporter talks to the backend through its own undici pool, which msw cannot see
 * (msw intercepts `node:http` and the global `fetch`, not raw sockets). Handing the exporter this
 * dispatcher routes its requests through `fetch`, where msw's `setupServer` answers them, so the
 * real retry, split and spool logic runs against scripted responses.
 */
import { Dispatcher } from 'undici';

function toHeaderPairs(headers: unknown): Array<[string, string]> {
  if (!headers) return [];
  const out: Array<[string, string]> = [];
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) out.push([String(headers[i]), String(headers[i + 1])]);
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of headers as Iterable<[string, string]>) out.push([k, String(v)]);
    return out;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.push([k, String(one)]);
  }
  return out;
}

async function collectBody(body: unknown): Promise<Uint8Array | string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  }
  throw new TypeError('fetchDispatcher: unsupported request body type');
}

/** A dispatcher that performs requests with `globalThis.fetch` (looked up per request, so msw's patch applies). */
export class FetchDispatcher extends Dispatcher {
  #closed = false;

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // undici's own legacy handlers take a context too (`request()` hands it back in its result).
    const h = handler as Dispatcher.DispatchHandler & { onConnect?(abort: unknown, context: object): void };
    const abortController = new AbortController();
    const abort = (reason?: Error) => abortController.abort(reason ?? new Error('request aborted'));
    const controller: Dispatcher.DispatchController = {
      abort,
      pause() {},
      resume() {},
      get aborted() {
        return abortController.signal.aborted;
      },
      paused: false,
      get reason() {
        return (abortController.signal.reason as Error) ?? null;
      },
    };
    const modern = typeof h.onRequestStart === 'function';
    const fail = (err: Error) => (modern ? h.onResponseError?.(controller, err) : h.onError?.(err));
    if (this.#closed) {
      queueMicrotask(() => fail(new Error('fetchDispatcher is closed')));
      return false;
    }
    if (modern) h.onRequestStart?.(controller, {});
    else h.onConnect?.(abort, {});
    void (async () => {
      const url = new URL(opts.path, opts.origin as string | URL);
      const body = await collectBody(opts.body);
      const res = await globalThis.fetch(url, {
        method: opts.method,
        headers: toHeaderPairs(opts.headers),
        body: body as string | undefined,
        signal: abortController.signal,
      });
      const payload = Buffer.from(await res.arrayBuffer());
      if (modern) {
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          headers[k] = v;
        });
        h.onResponseStart?.(controller, res.status, headers, res.statusText);
        if (payload.length > 0) h.onResponseData?.(controller, payload);
        h.onResponseEnd?.(controller, {});
      } else {
        const raw: Buffer[] = [];
        res.headers.forEach((v, k) => {
          raw.push(Buffer.from(k), Buffer.from(v));
        });
        h.onHeaders?.(res.status, raw, () => {}, res.statusText);
        if (payload.length > 0) h.onData?.(payload);
        h.onComplete?.([]);
      }
    })().catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
    return true;
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true;
    if (callback) return void queueMicrotask(callback);
    return Promise.resolve();
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: unknown, b?: unknown): Promise<void> | void {
    this.#closed = true;
    const callback = typeof a === 'function' ? a : typeof b === 'function' ? b : undefined;
    if (callback) return void queueMicrotask(callback as () => void);
    return Promise.resolve();
  }
}

/** Creates a {@link FetchDispatcher}. */
export function fetchDispatcher(): FetchDispatcher {
  return new FetchDispatcher();
}
