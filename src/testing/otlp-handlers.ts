/**
 * msw request handlers that play an OTLP/HTTP logs backend inside a unit test: they decode what
 * the app sends (protobuf or JSON, gzip or not) and answer per the spec, or as scripted by
 * `respondWith` to rehearse an outage.
 */
import { createRequire } from 'node:module';
import type * as Msw from 'msw';
import { answerLogsRequest, errorReply, mediaType, type Reply } from '../otlp/receive-request.js';
import { FetchDispatcher } from './fetch-dispatcher.js';
import { type TestRecord, toTestRecords } from './test-record.js';

/** One request the handlers saw, accepted or not. */
export interface CapturedRequest {
  /** HTTP method (`POST` from podlog). */
  method: string;
  /** Full request URL. */
  url: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** `content-type` header, `''` when absent. */
  contentType: string;
  /** `content-encoding` header, `''` when absent. */
  contentEncoding: string;
  /** The body after gzip inflation. */
  body: Uint8Array;
  /** What the handlers answered. */
  status: number;
  /** Decoded records (also for refused requests; empty when the body did not decode). */
  records: TestRecord[];
  /** Why the body did not decode, if it did not. */
  error?: string;
}

/** How {@link OtlpHandlers.respondWith} answers. */
export interface RespondWithOptions {
  /** `Retry-After` header, in seconds. */
  retryAfter?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer this way for the next `times` requests, then go back to 200. Default: until changed. */
  times?: number;
  /**
   * With a 2xx status: answer with an OTLP `partial_success` saying this many records were
   * rejected (and why). The request's records are still kept in `records`.
   */
  partialSuccess?: { rejected: number; message?: string };
}

/** What {@link otlpHandlers} returns: the msw handlers and what they captured. */
export interface OtlpHandlers {
  /** Pass to `setupServer(...handlers)` or `server.use(...handlers)`. */
  handlers: Msw.HttpHandler[];
  /** Records of accepted (2xx) requests, in arrival order. */
  records: TestRecord[];
  /** Every request, accepted or not. */
  requests: CapturedRequest[];
  /** Empties `records` and `requests` and goes back to answering 200. */
  clear(): void;
  /** Scripts the answer to the next requests (e.g. 503 with `retryAfter`, 413, or a delay). */
  respondWith(status: number, options?: RespondWithOptions): void;
  /**
   * An undici dispatcher that sends through `globalThis.fetch`, where msw sees it. podlog's
   * exporter uses its own connection pool, which msw cannot intercept: pass this as the logger's
   * `dispatcher` option so its requests reach these handlers.
   */
  dispatcher: FetchDispatcher;
}

/** The scripted answer: a status and its options, for `remaining` more requests. */
type Script = Omit<RespondWithOptions, 'times'> & { status: number; remaining: number };

/** Bounds of a request the handlers decode (a unit test's requests are small). */
const LIMITS = { maxInflatedBytes: 64 * 1024 * 1024, maxRecords: 1_000_000 };

/** msw is an optional peer dependency: load it only when handlers are asked for (require caches it). */
function loadMsw(): typeof Msw {
  try {
    return createRequire(import.meta.url)('msw') as typeof Msw;
  } catch (err) {
    throw new Error('podlog/testing: otlpHandlers needs msw 2 (npm install --save-dev msw)', { cause: err });
  }
}

/**
 * Handlers for an OTLP/HTTP logs endpoint, e.g. `otlpHandlers({ endpoint: 'http://localhost:4318/v1/logs' })`.
 *
 * @example
 * const otlp = otlpHandlers({ endpoint });
 * const server = setupServer(...otlp.handlers);
 * server.listen();
 * otlp.respondWith(503, { retryAfter: 1, times: 2 });
 */
export function otlpHandlers(options: { endpoint: string }): OtlpHandlers {
  const { http, HttpResponse, delay } = loadMsw();
  const records: TestRecord[] = [];
  const requests: CapturedRequest[] = [];
  let script: Script | undefined;

  /** The scripted answer for this request (waiting its delay), or undefined for 200. */
  const scripted = async (): Promise<Script | undefined> => {
    const current = script;
    if (!current) return undefined;
    if (current.delayMs) await delay(current.delayMs);
    if (--current.remaining <= 0 && script === current) script = undefined;
    return current;
  };

  const handler = http.all(options.endpoint, async ({ request }) => {
    const contentType = request.headers.get('content-type') ?? '';
    const contentEncoding = (request.headers.get('content-encoding') ?? '').toLowerCase();
    const reply = (r: Reply, headers: Record<string, string> = {}) =>
      new HttpResponse(r.body as ConstructorParameters<typeof HttpResponse>[0], {
        status: r.status,
        headers: { 'content-type': r.contentType, ...headers },
      });
    if (request.method !== 'POST') {
      return reply(errorReply(405, 'use POST', mediaType(contentType)), { allow: 'POST' });
    }
    const entry: CapturedRequest = {
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      contentType,
      contentEncoding,
      body: new Uint8Array(),
      status: 0,
      records: [],
    };
    requests.push(entry);
    const current = await scripted();
    const partial = current?.partialSuccess;
    // Decoded whatever the scripted answer, so a test sees what the app tried to send.
    const answer = await answerLogsRequest(
      new Uint8Array(await request.arrayBuffer()),
      { contentType, contentEncoding },
      LIMITS,
      {
        status: current?.status ?? 200,
        partial: partial && { rejected: partial.rejected, message: partial.message ?? '' },
      },
    );
    if (answer.received) {
      entry.body = answer.received.body;
      entry.records = toTestRecords(answer.received.request);
    }
    if (answer.refusal) entry.error = answer.refusal.message;
    entry.status = answer.reply.status;
    if (entry.status >= 200 && entry.status < 300) records.push(...entry.records);
    const retryAfter = current?.retryAfter;
    return reply(answer.reply, retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {});
  });

  return {
    handlers: [handler],
    dispatcher: new FetchDispatcher(),
    records,
    requests,
    clear() {
      records.length = 0;
      requests.length = 0;
      script = undefined;
    },
    respondWith(status, { times, ...opts } = {}) {
      script = { ...opts, status, remaining: times ?? Infinity };
    },
  };
}
