/**
 * Shared by the framework acceptance tests: a podlog logger exporting to a real OTLP receiver
 * on 127.0.0.1, requests that carry secrets in `Authorization` and `Cookie`, and the checks
 * that no secret reached the backend (raw request bytes included) and no record is large.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger, type LoggerOptions } from 'podlog';
import { expect } from 'vitest';
import type { DecodedLogRecord } from '../../../src/otlp/index.js';
import { decodeProtobufRequest } from '../../../src/otlp/index.js';
import { startReceiver, type TestReceiver } from '../../helpers/receiver.js';

/** A received record (ints as numbers) with its scope. */
export type Rec = DecodedLogRecord & { scope: string };

/** Secret values: each must never appear in anything sent to the backend. */
export const SECRET = {
  bearer: 'sk-live-AUTHZ-7c1e55aa',
  cookie: 'COOKIE-SESSION-9f2d31',
  setCookie: 'SETCOOKIE-SID-41ab08',
  query: 'QUERY-TOKEN-5be7',
} as const;

/** Request headers carrying secrets. */
export const SECRET_HEADERS = {
  authorization: `Bearer ${SECRET.bearer}`,
  cookie: `session=${SECRET.cookie}; theme=dark`,
  'user-agent': 'acceptance-test/1.0',
};

/** The response header an app sets in these tests. */
export const SET_COOKIE = `sid=${SECRET.setCookie}; HttpOnly; Path=/`;

export const MAX_RECORD_JSON = 4096;

export interface Backend {
  log: Logger;
  receiver: TestReceiver;
  /** Flushes the logger and returns every record received so far, ints as numbers. */
  records(): Promise<Rec[]>;
  /** No secret in any request body the receiver got; no record over {@link MAX_RECORD_JSON} as JSON. */
  assertClean(): void;
  close(): Promise<void>;
}

/**
 * A real OTLP receiver and a logger exporting to it (level `trace`, no stdout, no env);
 * `options` override those defaults.
 */
export async function startBackend(
  serviceName: string,
  options: Omit<LoggerOptions, 'endpoint' | 'serviceName'> = {},
): Promise<Backend> {
  const receiver = await startReceiver();
  const log = createLogger({
    endpoint: receiver.endpoint,
    env: {},
    stdout: false,
    serviceName,
    level: 'trace',
    ...options,
  });
  return {
    log,
    receiver,
    async records() {
      await log.flush();
      return receiver.requests.flatMap((r) =>
        decodeProtobufRequest(r.body, { ints: 'number' }).resourceLogs.flatMap((rl) =>
          rl.scopeLogs.flatMap((sl) => sl.logRecords.map((rec) => ({ ...rec, scope: sl.scope.name }))),
        ),
      );
    },
    assertClean() {
      expect(receiver.requests.length).toBeGreaterThan(0);
      for (const r of receiver.requests) {
        for (const secret of Object.values(SECRET))
          expect(r.body.includes(secret), `${secret} in a request body`).toBe(false);
      }
      for (const r of receiver.records()) {
        // The record itself; the resource is the process's, shared by every record of a request.
        const { resource: _resource, ...record } = r;
        const json = JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
        for (const secret of Object.values(SECRET)) expect(json).not.toContain(secret);
        expect(json.length).toBeLessThanOrEqual(MAX_RECORD_JSON);
      }
    },
    async close() {
      await log.shutdown({ timeoutMs: 2000 });
      await receiver.close();
    },
  };
}

/** Base URL of a listening server. */
export function baseUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** GETs `path` with the secret headers (and, unless `query` is false, a secret in the query string). */
export async function hit(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  query = true,
): Promise<Response> {
  const sep = path.includes('?') ? '&' : '?';
  const url = query ? `${base}${path}${sep}token=${SECRET.query}` : `${base}${path}`;
  const res = await fetch(url, { headers: { ...SECRET_HEADERS, ...headers } });
  await res.arrayBuffer();
  return res;
}

/** Closes a server and its keep-alive connections. */
export function closeServer(server: Server | undefined): Promise<void> {
  if (server === undefined) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

export { completions, outcomes } from '../../helpers/http-outcomes.js';

/**
 * The test apps' own records, logged inside their handlers (`loading order` for `GET /orders/7`,
 * `order created` after the JSON body of `POST /orders` was parsed), carry their request's id
 * and their fields: the request context survived the framework's routing and body parsing.
 */
export function expectHandlerRecordsInContext(records: Rec[]): void {
  expect(records.find((r) => r.body === 'loading order')?.attributes).toMatchObject({
    orderId: '7',
    'http.request.id': 'req-7',
  });
  expect(records.find((r) => r.body === 'order created')?.attributes).toMatchObject({
    item: 'blue mug',
    'http.request.id': 'req-post',
  });
}
