/**
 * A scriptable OTLP/HTTP backend on 127.0.0.1 (random port) for export, retry and outage tests.
 * Each request gets the next scripted action (or the fallback): any status with headers and
 * body, a delay, a connection reset, or no answer at all. Bodies are gunzipped and decoded
 * (protobuf or JSON, by content type); the server tracks concurrency so tests can check the
 * "one probe at a time" behaviour without timing. Plain HTTP or HTTPS (optionally mTLS).
 *
 * Beyond per-request actions the server can refuse connections outright (`refuse(true)` stops
 * listening, so clients get ECONNREFUSED; `refuse(false)` listens again on the same port) and
 * flap between behaviours on a time schedule (`flap([...])`), for outage and soak tests.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import type { DecodedLogRecord, DecodedLogsRequest } from '../../src/otlp/index.js';
import { decodeLogsRequest } from '../../src/otlp/index.js';

/** What the server does with one request. */
export type FaultAction =
  /** Answer with `status` (default body: empty), after `delayMs` if given. */
  | { status: number; headers?: Record<string, string>; body?: string | Uint8Array; delayMs?: number }
  /**
   * Destroy the socket without answering (ECONNRESET / socket hang up): after reading the whole
   * request, or with `afterBytes`, as soon as that many body bytes arrived (mid-upload).
   */
  | { reset: true; delayMs?: number; afterBytes?: number }
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

/** One phase of a flapping schedule: a behaviour (`'refuse'` or an action) held for `ms`. */
export interface FlapPhase {
  ms: number;
  action: FaultAction | 'refuse';
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
  /**
   * `true`: stop listening, so new connections are refused (open keep-alive sockets are cut);
   * `false`: listen again on the same port. Resolves once the change took effect.
   */
  refuse(on: boolean): Promise<void>;
  /** True while connections are refused. */
  readonly refusing: boolean;
  /**
   * Cycles through `phases` (each held for its `ms`), replacing `fallback` (or refusing) until
   * `stopFlapping()`. A scripted `enqueue` still goes first.
   */
  flap(phases: readonly FlapPhase[], options?: { loop?: boolean }): void;
  /** Ends the schedule: the server listens again and answers with `fallback` `healthy`. */
  stopFlapping(healthy?: FaultAction): Promise<void>;
  /** Name of the current flap phase (its index), or -1 when not flapping. */
  readonly phase: number;
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
  let refusing = false;
  let port = 0;
  let flapTimer: NodeJS.Timeout | undefined;
  let phase = -1;
  /** Serialises listen/close so refuse() calls from a flap schedule never interleave. */
  let listening: Promise<void> = Promise.resolve();

  const notify = () => {
    const ready = waiters.filter((w) => requests.length >= w.n);
    waiters = waiters.filter((w) => requests.length < w.n);
    for (const w of ready) w.resolve();
  };

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
    // A mid-upload reset is decided from the action due now (script head, else fallback).
    const head = script[0] ?? (typeof fault.fallback === 'function' ? undefined : fault.fallback);
    const cutAt = head && 'reset' in head && head.afterBytes !== undefined ? head.afterBytes : undefined;
    // Claim a scripted mid-upload reset now, so a concurrent request cannot take it too.
    const claimed = cutAt !== undefined && script[0] === head ? script.shift() : undefined;
    let received = 0;
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      received += c.length;
      if (cutAt !== undefined && received >= cutAt && !req.socket.destroyed) {
        const raw = Buffer.concat(chunks);
        requests.push({
          index: requests.length,
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          raw,
          body: raw,
          concurrent,
          action: head as FaultAction,
        });
        notify();
        req.socket.destroy();
      }
    });
    req.on('end', () => {
      if (req.socket.destroyed && cutAt !== undefined) return;
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
      const next = claimed ?? script.shift();
      const action = next ?? (typeof fault.fallback === 'function' ? fault.fallback(entry) : fault.fallback);
      entry.action = action;
      requests.push(entry);
      notify();

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
  port = (server.address() as AddressInfo).port;

  const setRefusing = (on: boolean): Promise<void> => {
    listening = listening.then(async () => {
      if (on === refusing) return;
      refusing = on;
      if (on) {
        // close() only stops accepting; cut the idle keep-alive sockets so clients must reconnect.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const res of hanging) res.destroy();
        hanging.clear();
        server.closeAllConnections();
        await closed;
      } else {
        // Re-listen on the same port; another process could grab it in between, so retry briefly.
        for (let attempt = 0; ; attempt++) {
          try {
            await new Promise<void>((resolve, reject) => {
              server.once('error', reject);
              server.listen(port, '127.0.0.1', () => {
                server.off('error', reject);
                resolve();
              });
            });
            return;
          } catch (err) {
            if (attempt >= 50) throw err;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      }
    });
    return listening;
  };

  const stopTimer = () => {
    if (flapTimer) clearTimeout(flapTimer);
    flapTimer = undefined;
  };

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
    refuse: setRefusing,
    get refusing() {
      return refusing;
    },
    get phase() {
      return phase;
    },
    flap(phases, options) {
      stopTimer();
      if (phases.length === 0) return;
      const loop = options?.loop ?? true;
      const enter = (i: number) => {
        phase = i;
        const p = phases[i];
        if (p.action === 'refuse') void setRefusing(true);
        else {
          fault.fallback = p.action;
          void setRefusing(false);
        }
        const next = i + 1 < phases.length ? i + 1 : loop ? 0 : -1;
        if (next < 0) return;
        flapTimer = setTimeout(() => enter(next), p.ms);
      };
      enter(0);
    },
    async stopFlapping(healthy = { status: 200 }) {
      stopTimer();
      phase = -1;
      fault.fallback = healthy;
      await setRefusing(false);
    },
    close: async () => {
      stopTimer();
      await listening.catch(() => {});
      return new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const res of hanging) res.destroy();
        hanging.clear();
        server.closeAllConnections();
        if (refusing) resolve();
        else server.close(() => resolve());
      });
    },
  };
  return fault;
}
