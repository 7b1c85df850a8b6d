/**
 * A real OTLP/HTTP logs receiver on a local port: what `podlog receive` runs, and what a test
 * starts to see what an app really sends (`startReceiver()` from `podlog/testing`). Accepts
 * protobuf and JSON, gzip or not, answers per the OTLP/HTTP spec (`otlp/receive-request.ts`,
 * shared with the msw handlers), keeps the records it received and can print them
 * (`record/format-line.ts`, shared with the stdout mirror). Binds to 127.0.0.1 by default:
 * it is a development tool, not a collector.
 */

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  answerLogsRequest,
  errorReply,
  mediaType,
  type ReceivedLogs,
  ReceiveError,
  type Reply,
} from '../otlp/receive-request.js';
import type { DecodedLogsRequest, OtlpAttributes } from '../otlp/types.js';
import {
  escapeControl,
  formatAttributes,
  formatPrettyLine,
  formatReceivedJson,
} from '../record/format-line.js';
import { jsonReplacer, type TestRecord, toTestRecords } from './test-record.js';

/** Options of {@link startReceiver}. */
export interface ReceiverOptions {
  /** Port to listen on. Default 0: a free one (see `url`). `podlog receive` uses 4318. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /**
   * Keep every received record in `records`. Default true; `podlog receive` turns it off (it
   * runs for days and prints instead).
   */
  keepRecords?: boolean;
  /** Where printed lines go (one call per line, no newline). Default: nothing is printed. */
  write?: ((line: string) => void) | null;
  /** Print NDJSON (one object per record) instead of readable lines. */
  json?: boolean;
  /** Print the full resource with every record, not only the first time it is seen. */
  resource?: boolean;
  /** Colour the readable lines. Default false. */
  color?: boolean;
  /** Largest accepted request body as sent (compressed or not), in bytes. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Largest body after inflating gzip, in bytes (guards against gzip bombs). Default 64 MiB. */
  maxInflatedBytes?: number;
  /**
   * After refusing an upload still in progress (body over the cap), how much more of it is read
   * and thrown away so the client, still sending, gets to read the answer. Beyond this (or a
   * declared length past it) the connection is closed. Default 64 MiB.
   */
  maxDrainBytes?: number;
  /**
   * Most log records in one request (413 beyond). Decoding multiplies memory (a 2-byte empty
   * record becomes a ~180-byte object), so this, not the byte caps, bounds the heap. Default 100,000.
   */
  maxRecords?: number;
  /** Called for each record received. */
  onRecord?: (record: TestRecord) => void;
  /** Called for each well-formed request after its records. */
  onRequest?: (request: DecodedLogsRequest, info: { contentType: string; encoding: string }) => void;
}

/** A running receiver: where it listens and what it received. */
export interface RunningReceiver {
  /** The underlying node:http server. */
  server: Server;
  /** `http://host:port` */
  url: string;
  /** `http://host:port/v1/logs`, ready for `createLogger({ endpoint })`. */
  endpoint: string;
  /** Records received so far, in arrival order (empty with `keepRecords: false`). */
  records: TestRecord[];
  /** Empties `records`. */
  clear(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Whether the request's `content-length` says its body is over `max` (a streamed body cannot tell). */
function declaresMore(req: IncomingMessage, max: number): boolean {
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared > max;
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  if (declaresMore(req, max)) {
    return Promise.reject(new ReceiveError(413, `request body larger than ${max} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        // Stop buffering; the error handler drains or closes what is left of the upload.
        req.removeAllListeners('data');
        req.pause();
        reject(new ReceiveError(413, `request body larger than ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** How long a refused upload may take to finish sending before its connection is closed. */
const DRAIN_MS = 10_000;

/**
 * Reads and discards the rest of a refused request's body, bounded in bytes and time, then lets
 * the connection live on. Closing with unread bytes makes the kernel answer the client's next
 * segment with a reset, and a client still writing (undici, curl) then fails with
 * EPIPE/ECONNRESET instead of reading the answer already sent.
 */
function discardRest(req: IncomingMessage, maxBytes: number): void {
  let drained = 0;
  const cutOff = () => req.socket.destroy();
  const timer = setTimeout(cutOff, DRAIN_MS);
  timer.unref();
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    drained += c.length;
    if (drained > maxBytes) {
      clearTimeout(timer);
      cutOff();
    }
  });
  req.on('end', () => clearTimeout(timer));
  req.on('close', () => clearTimeout(timer));
  req.resume();
}

/**
 * Prints received records. Each resource is printed in full (all its attributes) the first time
 * it is seen, and each of its scopes once; then every record on one line saying who sent it.
 */
class RecordPrinter {
  readonly #write: (line: string) => void;
  readonly #options: Pick<ReceiverOptions, 'json' | 'resource' | 'color'>;
  /** Resources seen (by their attributes, as JSON) → their short name and the scopes seen. */
  readonly #seen = new Map<string, { name: string; scopes: Set<string> }>();

  constructor(write: (line: string) => void, options: ReceiverOptions) {
    this.#write = write;
    this.#options = options;
  }

  print(request: DecodedLogsRequest): void {
    const { json, resource: withResource, color = false } = this.#options;
    for (const rl of request.resourceLogs) {
      const resource = rl.resource.attributes;
      const who = [resource['service.name'], resource['k8s.pod.name']]
        .filter((v) => v !== undefined && v !== '')
        .join('/');
      for (const sl of rl.scopeLogs) {
        if (!json) this.#introduce(resource, who, sl.scope.name, sl.scope.version);
        for (const rec of sl.logRecords) {
          this.#write(
            json
              ? formatReceivedJson(rec, resource, sl.scope.name, withResource ?? false)
              : formatPrettyLine(rec, sl.scope.name, color, {
                  isoTime: true,
                  origin: who,
                  resource: withResource ? resource : undefined,
                }).slice(0, -1),
          );
        }
      }
    }
  }

  /** The resource's attributes and the scope, the first time each is seen. */
  #introduce(resource: OtlpAttributes, who: string, scope: string, version: string): void {
    const key = JSON.stringify(resource, jsonReplacer);
    let seen = this.#seen.get(key);
    if (!seen) {
      // Bounded: a sender minting a new resource per request must not grow this forever.
      if (this.#seen.size >= 10_000) this.#seen.clear();
      seen = { name: who || `resource ${this.#seen.size + 1}`, scopes: new Set() };
      this.#seen.set(key, seen);
      this.#write(`new resource ${escapeControl(seen.name)}:`);
      for (const k of Object.keys(resource))
        this.#write(`    ${formatAttributes({ [k]: resource[k] }, 4096)}`);
    }
    const id = `${scope}@${version}`;
    if (!seen.scopes.has(id)) {
      seen.scopes.add(id);
      const v = version ? ` ${version}` : '';
      this.#write(`new scope ${escapeControl(`${scope || '(unnamed)'}${v}`)} of ${escapeControl(seen.name)}`);
    }
  }
}

/**
 * Answers a request refused before its body was decoded (or a receiver bug: 500). An upload still
 * coming in is drained, bounded, so the client reads the answer and the connection stays
 * usable; past the bound it is closed, unread.
 */
function answerRefused(req: IncomingMessage, res: ServerResponse, err: unknown, maxDrain: number): void {
  const status = err instanceof ReceiveError ? err.status : 500;
  const message = err instanceof Error ? err.message : String(err);
  const reply = errorReply(status, message, mediaType(req.headers['content-type']));
  let close = false;
  if (!req.complete) {
    // A client hanging up mid-upload is its business; without a listener the error throws.
    req.on('error', () => {});
    // A declared length decides up front; a streamed body is cut off once it passes the bound.
    if (!declaresMore(req, maxDrain)) discardRest(req, maxDrain);
    else {
      close = true;
      req.removeAllListeners('data');
      req.pause();
    }
  }
  send(res, reply, {
    ...(status === 405 ? { allow: 'POST' } : {}),
    ...(close ? { connection: 'close' } : {}),
  });
}

function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  res.writeHead(reply.status, {
    'content-type': reply.contentType,
    'content-length': reply.body.length,
    ...headers,
  });
  res.end(reply.body);
}

/**
 * Starts an OTLP/HTTP logs receiver on 127.0.0.1; resolves once it listens.
 *
 * @example
 * const receiver = await startReceiver();
 * const log = createLogger({ endpoint: receiver.endpoint });
 * log.info('hello');
 * await log.flush();
 * expect(receiver.records[0].body).toBe('hello');
 * await receiver.close();
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<RunningReceiver> {
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const limits = {
    maxInflatedBytes: options.maxInflatedBytes ?? 64 * 1024 * 1024,
    maxRecords: options.maxRecords ?? 100_000,
  };
  const maxDrain = options.maxDrainBytes ?? 64 * 1024 * 1024;
  const keep = options.keepRecords ?? true;
  const records: TestRecord[] = [];
  const printer = options.write ? new RecordPrinter(options.write, options) : undefined;

  /** Keeps, hands out and prints what a request brought. */
  const take = (got: ReceivedLogs, encoding: string) => {
    if (keep || options.onRecord) {
      for (const rec of toTestRecords(got.request)) {
        if (keep) records.push(rec);
        options.onRecord?.(rec);
      }
    }
    printer?.print(got.request);
    options.onRequest?.(got.request, { contentType: got.type, encoding: encoding.trim().toLowerCase() });
  };

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/v1/logs') throw new ReceiveError(404, 'not found: this receiver serves POST /v1/logs');
    if (req.method !== 'POST') throw new ReceiveError(405, 'method not allowed: use POST');
    const contentType = req.headers['content-type'];
    const encoding = String(req.headers['content-encoding'] ?? '');
    // Refuse a content type before reading a byte of the body.
    if (!mediaType(contentType)) {
      throw new ReceiveError(415, 'content-type must be application/x-protobuf or application/json');
    }
    const raw = await readBody(req, maxBody);
    const answer = await answerLogsRequest(raw, { contentType, contentEncoding: encoding }, limits);
    if (answer.received) take(answer.received, encoding);
    return answer.reply;
  };

  const server = createServer((req, res) => {
    handle(req).then(
      (reply) => send(res, reply),
      (err: unknown) => answerRefused(req, res, err, maxDrain),
    );
  });
  // once() rejects on an 'error' first (EADDRINUSE).
  await once(server.listen(options.port ?? 0, options.host ?? '127.0.0.1'), 'listening');
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  return {
    server,
    url,
    endpoint: `${url}/v1/logs`,
    records,
    clear() {
      records.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
