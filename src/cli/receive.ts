/**
 * `podlog receive`: a small OTLP/HTTP logs receiver for local development and tests.
 * Accepts protobuf and JSON, gzip or not, answers per the OTLP/HTTP spec and prints each record
 * readably (or as NDJSON). Binds to 127.0.0.1 by default: it is a dev tool, not a collector.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { decodeLogsRequest } from '../otlp/json.js';
import { LEN, tag, VARINT, Writer } from '../otlp/protobuf.js';
import type { DecodedLogsRequest } from '../otlp/types.js';
import { formatRecord, type PrintableRecord } from './format.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export interface ReceiverOptions {
  /** Default 4318 (the OTLP/HTTP port); 0 picks a free one. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Print NDJSON instead of readable lines. */
  json?: boolean;
  /** Colour the severity. Default: when stdout is a TTY. */
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
  onRecord?: (record: PrintableRecord) => void;
  /** Called for each well-formed request after its records. */
  onRequest?: (request: DecodedLogsRequest, info: { contentType: string; encoding: string }) => void;
  /** Where printed lines go; `null` prints nothing. Default: stdout. */
  write?: ((line: string) => void) | null;
}

export interface RunningReceiver {
  server: Server;
  /** `http://host:port` */
  url: string;
  /** `http://host:port/v1/logs`, ready for `createLogger({ endpoint })`. */
  endpoint: string;
  close(): Promise<void>;
}

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** google.rpc.Status codes used in error bodies. */
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Normalised media type of a request, or `undefined` when it is not one OTLP/HTTP defines. */
function mediaType(header: string | undefined): typeof PROTOBUF | typeof JSON_TYPE | undefined {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  if (type === PROTOBUF || type === 'application/protobuf') return PROTOBUF;
  if (type === JSON_TYPE) return JSON_TYPE;
  return undefined;
}

/** An error body per the spec: a `google.rpc.Status` in the request's encoding. */
function statusBody(type: string | undefined, code: number, message: string): [string, Buffer] {
  if (type === PROTOBUF) {
    const w = Writer.create();
    w.uint32(tag(1, VARINT)).int32(code);
    w.uint32(tag(2, LEN)).string(message);
    return [PROTOBUF, Buffer.from(w.finish())];
  }
  if (type === JSON_TYPE) return [JSON_TYPE, Buffer.from(JSON.stringify({ code, message }))];
  return ['text/plain; charset=utf-8', Buffer.from(message)];
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    return Promise.reject(new HttpError(413, `request body larger than ${max} bytes`));
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
        reject(new HttpError(413, `request body larger than ${max} bytes`));
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
 * Whether the unread rest of a refused request can be drained within `maxBytes`: a declared
 * length decides up front; a streamed body is cut off once it passes the bound.
 */
function canDrain(req: IncomingMessage, maxBytes: number): boolean {
  const declared = Number(req.headers['content-length']);
  return !(Number.isFinite(declared) && declared > maxBytes);
}

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

/** `{` and `[` in a JSON body: an upper bound of the objects `JSON.parse` would allocate. */
function jsonContainers(body: Buffer): number {
  let n = 0;
  for (let i = body.indexOf(0x7b); i >= 0; i = body.indexOf(0x7b, i + 1)) n++;
  for (let i = body.indexOf(0x5b); i >= 0; i = body.indexOf(0x5b, i + 1)) n++;
  return n;
}

async function inflateBody(body: Buffer, encoding: string, max: number): Promise<Buffer> {
  if (encoding === '' || encoding === 'identity') return body;
  try {
    if (encoding === 'gzip') return await gunzipAsync(body, { maxOutputLength: max });
    if (encoding === 'deflate') return await inflateAsync(body, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new HttpError(413, `inflated body larger than ${max} bytes`);
    }
    throw new HttpError(400, `body is not valid ${encoding}: ${(err as Error).message}`);
  }
  throw new HttpError(415, `unsupported content-encoding ${JSON.stringify(encoding)}; use gzip or none`);
}

/** Starts a receiver; resolves once it listens. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<RunningReceiver> {
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const maxInflated = options.maxInflatedBytes ?? 64 * 1024 * 1024;
  const maxRecords = options.maxRecords ?? 100_000;
  const maxDrain = options.maxDrainBytes ?? 64 * 1024 * 1024;
  // JSON.parse allocates before any record can be counted: bound the objects it may build.
  const maxJsonContainers = maxRecords * 16;
  const write =
    options.write === null ? undefined : (options.write ?? ((line) => process.stdout.write(`${line}\n`)));
  const color = options.color ?? Boolean(process.stdout.isTTY);
  const json = options.json ?? false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/v1/logs') throw new HttpError(404, 'not found: this receiver serves POST /v1/logs');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new HttpError(405, 'method not allowed: use POST');
    }
    const type = mediaType(req.headers['content-type']);
    if (!type) throw new HttpError(415, 'content-type must be application/x-protobuf or application/json');
    const encoding = String(req.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    const raw = await readBody(req, maxBody);
    const body = await inflateBody(raw, encoding, maxInflated);
    if (type === JSON_TYPE && jsonContainers(body) > maxJsonContainers) {
      throw new HttpError(413, `JSON body with more than ${maxJsonContainers} objects and arrays`);
    }
    let decoded: DecodedLogsRequest;
    try {
      decoded = decodeLogsRequest(body, type, { ints: 'number', maxRecords });
    } catch (err) {
      const message = (err as Error).message.slice(0, 200);
      throw new HttpError(message.includes(`more than ${maxRecords} log records`) ? 413 : 400, message);
    }
    for (const rl of decoded.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        for (const rec of sl.logRecords) {
          const printable: PrintableRecord = {
            ...rec,
            resource: rl.resource.attributes,
            scope: sl.scope.name,
          };
          options.onRecord?.(printable);
          write?.(formatRecord(printable, { json, color }));
        }
      }
    }
    options.onRequest?.(decoded, { contentType: type, encoding });
    // An empty ExportLogsServiceResponse: zero bytes in protobuf, `{}` in JSON.
    res.writeHead(200, { 'content-type': type });
    res.end(type === JSON_TYPE ? '{}' : undefined);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      const code =
        status === 413
          ? RESOURCE_EXHAUSTED
          : status === 404 || status === 405
            ? UNIMPLEMENTED
            : INVALID_ARGUMENT;
      const [contentType, payload] = statusBody(mediaType(req.headers['content-type']), code, message);
      if (res.headersSent) return void res.destroy();
      // A refused upload still coming in: answer now, and drain the rest (bounded) so the
      // client reads the answer; the connection stays usable. Past the bound: close, unread.
      let close = false;
      if (!req.complete) {
        // A client hanging up mid-upload is its business; without a listener the error throws.
        req.on('error', () => {});
        if (canDrain(req, maxDrain)) discardRest(req, maxDrain);
        else {
          close = true;
          req.removeAllListeners('data');
          req.pause();
        }
      }
      res.writeHead(status, {
        'content-type': contentType,
        'content-length': payload.length,
        ...(close ? { connection: 'close' } : {}),
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4318, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  return {
    server,
    url,
    endpoint: `${url}/v1/logs`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
