/**
 * A `Transport` over the global `fetch`, so msw's `setupServer` can answer the exporter's
 * requests in unit tests (msw cannot see undici's own sockets). Everything above the transport
 * (retry, gate, split, verdicts) is the real exporter.
 */
import { ExportAbortedError } from '../../../src/errors.js';
import type { Transport } from '../../../src/export/index.js';

export function createFetchTransport(endpoint: string): Transport {
  return {
    async send(request, signal) {
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          signal,
        });
        const body = new Uint8Array(await res.arrayBuffer());
        return { status: res.status, headers: Object.fromEntries(res.headers), body, truncated: false };
      } catch (err) {
        if (signal?.aborted) throw new ExportAbortedError();
        throw err;
      }
    },
    async close() {},
  };
}
