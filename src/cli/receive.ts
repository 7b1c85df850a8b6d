/**
 * `podlog receive`: a small OTLP/HTTP logs receiver for local development. Prints each record
 * readably (or as NDJSON). Binds to 127.0.0.1 by default.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { decodeProtobufRequest } from '../otlp/decode-protobuf.js';
import type { DecodedLogsRequest } from '../otlp/types.js';
import { formatRecord, type PrintableRecord } from './format.js';

const gunzipAsync = promisify(gunzip);

export interface ReceiverOptions {
  port?: number;
  host?: string;
  /** Print NDJSON instead of readable lines. */
  json?: boolean;
  /** Colour the severity. Default: when stdout is a TTY. */
  color?: boolean;
  /** Largest accepted body, compressed or not, in bytes. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Called for each record (the CLI prints). */
  onRecord?: (record: PrintableRecord) => void;
  write?: (line: string) => void;
}

export interface RunningReceiver {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<RunningReceiver> {
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const color = options.color ?? Boolean(process.stdout.isTTY);
  const server = createServer((req, res) => {
    const reply = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(message);
    };
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/logs')) return reply(404, 'POST /v1/logs only');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) {
        reply(413, `body larger than ${maxBody} bytes`);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', async () => {
      if (res.headersSent) return;
      try {
        let body: Buffer = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip')
          body = await gunzipAsync(body, { maxOutputLength: maxBody });
        const type = String(req.headers['content-type'] ?? '');
        let decoded: DecodedLogsRequest;
        if (type.startsWith('application/x-protobuf'))
          decoded = decodeProtobufRequest(body, { ints: 'number' });
        else return reply(415, 'content-type must be application/x-protobuf');
        for (const rl of decoded.resourceLogs) {
          for (const sl of rl.scopeLogs) {
            for (const rec of sl.logRecords) {
              const printable = { ...rec, resource: rl.resource.attributes, scope: sl.scope.name };
              options.onRecord?.(printable);
              write(formatRecord(printable, { json: options.json ?? false, color }));
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      } catch (err) {
        reply(400, `bad request: ${(err as Error).message.slice(0, 200)}`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4318, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
