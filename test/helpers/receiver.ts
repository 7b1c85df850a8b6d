/**
 * A real OTLP/HTTP receiver on 127.0.0.1 (random port) for tests: records every request
 * and decodes protobuf bodies. Closes itself via the returned `close()`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { DecodedLogRecord, DecodedLogsRequest } from '../../src/otlp/index.js';
import { decodeProtobufRequest } from '../../src/otlp/index.js';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  decoded?: DecodedLogsRequest;
}

export interface TestReceiver {
  url: string;
  endpoint: string;
  requests: ReceivedRequest[];
  /** All records received so far, flattened, with their resource and scope. */
  records(): Array<DecodedLogRecord & { resource: Record<string, unknown>; scope: string }>;
  /** The most records one request carried (0 before any). */
  largestRequest(): number;
  /** Decides the answer to each request; default 200 with an empty protobuf response. */
  respond: (req: ReceivedRequest) => {
    status: number;
    headers?: Record<string, string>;
    body?: string | Buffer;
  };
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Partial<TestReceiver> = {
    requests,
    respond: () => ({ status: 200, headers: { 'content-type': 'application/x-protobuf' } }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const entry: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      };
      if (String(req.headers['content-type']).startsWith('application/x-protobuf')) {
        entry.decoded = decodeProtobufRequest(body);
      }
      const answer = receiver.respond!(entry);
      if (answer.status >= 200 && answer.status < 300) requests.push(entry);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}`;
  receiver.endpoint = `${receiver.url}/v1/logs`;
  receiver.records = () =>
    requests.flatMap((r) =>
      (r.decoded?.resourceLogs ?? []).flatMap((rl) =>
        rl.scopeLogs.flatMap((sl) =>
          sl.logRecords.map((rec) => ({ ...rec, resource: rl.resource.attributes, scope: sl.scope.name })),
        ),
      ),
    );
  receiver.largestRequest = () =>
    Math.max(
      0,
      ...requests.map((r) =>
        (r.decoded?.resourceLogs ?? []).reduce(
          (n, rl) => rl.scopeLogs.reduce((m, sl) => m + sl.logRecords.length, n),
          0,
        ),
      ),
    );
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver as TestReceiver;
}

/**
 * An OTLP endpoint on 127.0.0.1 where nothing answers: every connection is reset at once. The
 * port stays held by this process (an unref'd server), so no other test's server on port 0 can
 * be given it and turn the "dead" backend into a live one, as a port closed right away could.
 */
export async function deadEndpoint(): Promise<string> {
  const server = createServer();
  server.on('connection', (socket) => socket.resetAndDestroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/v1/logs`;
}
