/**
 * The benchmark receiver: a separate process on 127.0.0.1 that counts OTLP log records.
 * Started by bench/run.mjs with fork(); talks over IPC only:
 *
 *   → { id, cmd: 'reset' }                     zero the counters
 *   → { id, cmd: 'stats' }                     ← { id, records, requests, rejected, bytes, firstAt, lastAt }
 *   → { id, cmd: 'mode', mode: 'up' | '503' | 'refuse' }
 *   ← { type: 'listening', port }              once, at start
 *
 * '503' answers every request with 503 Service Unavailable (no Retry-After); 'refuse' closes the
 * listening socket and every open connection, so clients see ECONNREFUSED until 'up' re-listens on
 * the same port. Only 2xx answers count as delivered. Times are epoch ms (lib/clock.mjs).
 * Run directly (`node bench/receiver.mjs [port]`) it prints its counts every second.
 */
import { createServer } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { nowMs } from './lib/clock.mjs';
import { countJsonRecords, countProtobufRecords } from './lib/count-records.mjs';

const MAX_BODY = 64 * 1024 * 1024;

const counts = { records: 0, requests: 0, rejected: 0, malformed: 0, bytes: 0, firstAt: null, lastAt: null };
let mode = 'up';
let port = Number(process.argv[2] ?? 0);

function reset() {
  Object.assign(counts, { records: 0, requests: 0, rejected: 0, malformed: 0, bytes: 0 });
  counts.firstAt = null;
  counts.lastAt = null;
}

function decodeBody(req, raw) {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'gzip') return gunzipSync(raw, { maxOutputLength: MAX_BODY });
  if (encoding === 'deflate') return inflateSync(raw, { maxOutputLength: MAX_BODY });
  return raw;
}

const server = createServer((req, res) => {
  if (mode !== 'up') {
    counts.rejected++;
    req.resume();
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('down for the outage scenario');
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    chunks.push(c);
  });
  req.on('end', () => {
    const type = String(req.headers['content-type'] ?? '');
    const isJson = type.startsWith('application/json');
    let n;
    try {
      if (size > MAX_BODY) throw new Error('body too large');
      const body = decodeBody(req, Buffer.concat(chunks, size));
      n = isJson ? countJsonRecords(body.toString('utf8')) : countProtobufRecords(body);
    } catch {
      counts.malformed++;
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('malformed OTLP logs request');
      return;
    }
    const at = nowMs();
    counts.requests++;
    counts.bytes += size;
    if (n > 0) {
      counts.records += n;
      counts.firstAt ??= at;
      counts.lastAt = at;
    }
    // An empty ExportLogsServiceResponse: full success.
    if (isJson) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    } else {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    }
  });
});
// Exporters keep connections alive between batches; a long idle timeout avoids reconnect noise.
server.keepAliveTimeout = 30_000;

function listen() {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      port = server.address().port;
      resolve();
    });
  });
}

async function setMode(next) {
  if (next === mode) return;
  if (next === 'refuse') {
    mode = next;
    await new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  } else {
    const wasClosed = mode === 'refuse';
    mode = next;
    if (wasClosed) await listen();
  }
}

async function handle(msg) {
  switch (msg.cmd) {
    case 'reset':
      reset();
      return {};
    case 'stats':
      return { ...counts, mode };
    case 'mode':
      await setMode(msg.mode);
      return { mode };
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

await listen();
if (process.send) {
  process.on('message', (msg) => {
    handle(msg).then(
      (reply) => process.send({ id: msg.id, ...reply }),
      (err) => process.send({ id: msg.id, error: String(err?.message ?? err) }),
    );
  });
  // The harness owns this process: when it goes, so do we.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'listening', port });
} else {
  console.log(`bench receiver on http://127.0.0.1:${port}/v1/logs`);
  setInterval(() => console.log(JSON.stringify(counts)), 1000).unref();
}
