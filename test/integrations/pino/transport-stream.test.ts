/**
 * The transport target's stream on its own (in this thread, where pino's worker data is absent):
 * pino's worker writes chunks that need not end on a line, and waits on the write callback.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import podlogTransport from 'podlog/pino/transport';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtobufRequest } from '../../../src/otlp/index.js';
import { startReceiver, type TestReceiver } from '../../helpers/receiver.js';
import { until } from '../../helpers/wait.js';

let receiver: TestReceiver;

function write(stream: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
}

function end(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}

describe('podlog/pino/transport stream', () => {
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => {
    receiver.requests.length = 0;
    receiver.respond = () => ({ status: 200, headers: { 'content-type': 'application/x-protobuf' } });
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('joins lines split across chunks, keeps a non-JSON line, and exports everything on end', async () => {
    const stream = await podlogTransport({
      endpoint: receiver.endpoint,
      handleExit: false,
      diagnostics: false,
    });
    await write(stream, '{"level":30,"time":1700000000000,"msg":"fir');
    await write(stream, 'st","a":1}\n{"level":50,"msg":"second"}\nnot json\n{"level":4');
    await write(stream, '0,"msg":"no newline at the end"}');
    expect(receiver.records()).toEqual([]); // nothing is sent before the batch is due
    await end(stream);
    const records = receiver.records();
    expect(records.map((r) => [r.body, r.severityNumber])).toEqual([
      ['first', 9],
      ['second', 17],
      ['not json', 0],
      ['no newline at the end', 13],
    ]);
    expect(records[0].attributes).toEqual({ a: 1n });
    expect(records[0].timeUnixNano).toBe(1_700_000_000_000_000_000n);
  });

  it('holds the write callback while podlog’s queue is full, so pino’s worker stops reading', async () => {
    // A backend that answers only once the test lets it: podlog's queue fills and stays full.
    const parked: Array<() => void> = [];
    let open = false;
    receiver.respond = () => ({ status: 200, headers: { 'content-type': 'application/x-protobuf' } });
    const slow = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = () => {
          for (const rl of decodeProtobufRequest(Buffer.concat(chunks)).resourceLogs)
            for (const sl of rl.scopeLogs) for (const r of sl.logRecords) ids.push(Number(r.attributes.i));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        };
        if (open) answer();
        else parked.push(answer);
      });
    });
    const ids: number[] = [];
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const { port } = slow.address() as AddressInfo;
      const stream = await podlogTransport({
        endpoint: `http://127.0.0.1:${port}/v1/logs`,
        handleExit: false,
        diagnostics: false,
        queue: { maxRecords: 20 },
        batch: { maxRecords: 10, maxDelayMs: 1 },
        maxConcurrentRequests: 1,
        holdAt: 0.5,
      });
      const N = 1000; // ~33 KB: more than the stream's 16 KiB buffer
      let calledBack = 0;
      for (let i = 0; i < N; i++) {
        stream.write(`{"level":30,"msg":"m","i":${i}}\n`, () => {
          calledBack++;
        });
      }
      // Wait (bounded) until the first request is parked: the queue cannot drain from here on.
      await until(() => parked.length > 0, 'the first request at the server');
      expect(parked.length).toBe(1);
      // A quiet window for the negative claim below: a podlog that kept taking lines from the
      // full stream would call back within it.
      await new Promise((r) => setTimeout(r, 50));
      // The stream called back only for what podlog took before it filled up (holdAt × 20 + one batch).
      expect(calledBack).toBeLessThan(30);
      // thread-stream reads on only after 'drain': the buffer is full and stays so.
      expect(stream.writableNeedDrain).toBe(true);
      open = true;
      for (const answer of parked.splice(0)) answer();
      await end(stream);
      expect(calledBack).toBe(N);
      expect(ids).toEqual(Array.from({ length: N }, (_, i) => i));
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it('holdAt below the low-water mark: the write callback waits until the fill is below holdAt', async () => {
    const stream = await podlogTransport({
      endpoint: receiver.endpoint,
      handleExit: false,
      diagnostics: false,
      queue: { maxRecords: 10 },
      batch: { maxRecords: 10, maxDelayMs: 20 },
      maxConcurrentRequests: 1,
      holdAt: 0.2,
    });
    const N = 20;
    for (let i = 0; i < N; i++) await write(stream, `{"level":30,"msg":"m","i":${i}}\n`);
    await end(stream);
    expect(receiver.records().map((r) => Number(r.attributes.i))).toEqual(
      Array.from({ length: N }, (_, i) => i),
    );
    // Each line is written only after the previous one's callback: 2 of 10 in memory, then the
    // callback waits until they are exported, so no request carries more than 2.
    expect(receiver.largestRequest()).toBe(2);
  });
});
