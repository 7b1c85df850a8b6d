/**
 * A scriptable OTLP/HTTP backend on 127.0.0.1 (random port) for export, retry and outage tests.
 * Each request gets the next scripted action (or the fallback): any status with headers and
 * body, a delay, a connection reset, or no answer at all. Bodies are gunzipped and decoded
 * (protobuf or JSON, by content type); the server tracks concurrency so tests can check the
 * "one probe at a time" behaviour without timing. Plain HTTP or HTTPS (optionally mTLS).
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { decodeLogsRequest } from '../../src/otlp/json.js';
import type { DecodedLogRecord, DecodedLogsRequest } from '../../src/otlp/types.js';

/** What the server does with one request. */
export type FaultAction =
  /** Answer with `status` (default body: empty), after `delayMs` if given. */
  | { status: number; headers?: Record<string, string>; body?: string | Uint8Array; delayMs?: number }
  /** Read the request, then destroy the socket without answering (ECONNRESET / socket hang up). */
  | { reset: true; delayMs?: number }
  /** Read the request and never answer (until the server closes): exercises client timeouts. */
  | { hang: true };

export interface FaultRequest {
  /** 0-based arrival index. */
  index: number;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Body as received (possibly gzipped). */
  raw: Buffer;
  /** Body after `content-encoding: gzip` was undone. */
  body: Buffer;
  /** Decoded OTLP request, when the body decodes. */
  decoded?: DecodedLogsRequest;
  /** Subject CN of the client certificate (mTLS), when one was presented. */
  clientCertCN?: string;
  /** Requests in flight when this one arrived, itself included (1 = it had the server to itself). */
  concurrent: number;
  /** The action the server took. */
  action: FaultAction;
}

export interface FaultServerOptions {
  /** Serve HTTPS with this key/cert; `ca` + `requestCert` for mTLS. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer; requestCert?: boolean };
}

export type FlatRecord = DecodedLogRecord & { resource: Record<string, unknown>; scope: string };

export interface FaultServer {
  /** `http(s)://127.0.0.1:port` */
  readonly url: string;
  /** `url` + `/v1/logs` */
  readonly endpoint: string;
  /** Every request, in arrival order (also those answered with errors). */
  readonly requests: FaultRequest[];
  /** Scripts the next requests, in order; once used up, `fallback` answers. */
  enqueue(...actions: FaultAction[]): void;
  /** The answer when the script is empty. Default `{ status: 200 }`. A function sees each request. */
  fallback: FaultAction | ((req: FaultRequest) => FaultAction);
  /** Records of requests answered 2xx, flattened with resource attributes and scope name. */
  records(): FlatRecord[];
  /** Requests being handled right now, and the most at any moment so far. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Resolves once at least `n` requests have arrived (no sleeps in tests). */
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

function flatten(decoded: DecodedLogsRequest | undefined): FlatRecord[] {
  return (decoded?.resourceLogs ?? []).flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) =>
      sl.logRecords.map((rec) => ({ ...rec, resource: rl.resource.attributes, scope: sl.scope.name })),
    ),
  );
}

export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const requests: FaultRequest[] = [];
  const script: FaultAction[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const hanging = new Set<ServerResponse>();
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;

  // Assigned once listening; requests cannot arrive before that.
  let fault: FaultServer;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const concurrent = inFlight;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body = raw;
      try {
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(raw);
      } catch {
        body = raw;
      }
      const entry: FaultRequest = {
        index: requests.length,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        raw,
        body,
        concurrent,
        action: { status: 200 },
      };
      const cert = (req.socket as TLSSocket).getPeerCertificate?.();
      if (cert && typeof cert.subject?.CN === 'string') entry.clientCertCN = cert.subject.CN;
      try {
        entry.decoded = decodeLogsRequest(body, String(req.headers['content-type'] ?? ''));
      } catch {
        // Not an OTLP body: tests can still look at `body`.
      }
      const next = script.shift();
      const action = next ?? (typeof fault.fallback === 'function' ? fault.fallback(entry) : fault.fallback);
      entry.action = action;
      requests.push(entry);
      const ready = waiters.filter((w) => requests.length >= w.n);
      waiters = waiters.filter((w) => requests.length < w.n);
      for (const w of ready) w.resolve();

      if ('hang' in action) {
        hanging.add(res);
        return;
      }
      const act = () => {
        if ('reset' in action) {
          req.socket.destroy();
          return;
        }
        res.writeHead(action.status, action.headers);
        res.end(action.body);
      };
      if (action.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          act();
        }, action.delayMs);
        timers.add(t);
      } else act();
    });
  };

  const server = options.tls
    ? createHttpsServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ca: options.tls.ca,
          requestCert: options.tls.requestCert ?? false,
          rejectUnauthorized: options.tls.requestCert ?? false,
        },
        handle,
      )
    : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  fault = {
    url,
    endpoint: `${url}/v1/logs`,
    requests,
    fallback: { status: 200 },
    enqueue: (...actions) => {
      script.push(...actions);
    },
    records: () =>
      requests
        .filter((r) => 'status' in r.action && r.action.status >= 200 && r.action.status < 300)
        .flatMap((r) => flatten(r.decoded)),
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    waitForRequests: (n) =>
      requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const res of hanging) res.destroy();
        hanging.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fault;
}
