import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from 'podlog';
import { decodeLogsRequest } from 'podlog/testing';
import { PodlogTransport } from 'podlog/winston';
import { afterEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';
import { runTs } from '../helpers/run-ts.js';

describe('podlog/winston end to end', () => {
  let server: Server | undefined;
  let receiver: RunningReceiver | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await receiver?.close();
    server = receiver = undefined;
  });

  it('a slow receiver holds the winston stream and nothing is lost', async () => {
    const received: number[] = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // Slow backend: every answer takes a while, so the 20-record queue fills up.
        setTimeout(() => {
          const decoded = decodeLogsRequest(Buffer.concat(chunks), String(req.headers['content-type']), {
            ints: 'number',
          });
          for (const rl of decoded.resourceLogs)
            for (const sl of rl.scopeLogs)
              for (const r of sl.logRecords) received.push(r.attributes.i as number);
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        }, 25);
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const log = createLogger({
      endpoint: `http://127.0.0.1:${port}/v1/logs`,
      queue: { maxRecords: 20 },
      overflow: 'drop-newest',
      batch: { maxRecords: 10, maxDelayMs: 5 },
      maxConcurrentRequests: 1,
      handleExit: false,
      diagnostics: false,
    });
    const transport = new PodlogTransport({ logger: log });
    let holds = 0;
    transport.on('warn', () => holds++);
    let maxFill = 0;
    const w = winston.createLogger({ transports: [transport] });
    const N = 200;
    for (let i = 0; i < N; i++) {
      w.info('record', { i });
      maxFill = Math.max(maxFill, log.pressure);
    }
    // Wait until the transport has accepted every record. (Not `w.end()`: winston's own _final
    // ends its transports while records still sit in the logger's buffer, a winston limitation.)
    let logged = 0;
    await new Promise<void>((resolve) => {
      transport.on('logged', () => {
        if (++logged === N) resolve();
      });
    });
    await transport.flush();
    const s = log.stats();
    expect(received).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(s.dropped.total).toBe(0);
    expect(s.exported).toBe(N);
    expect(holds).toBeGreaterThan(0); // the stream was held at least once
    expect(maxFill).toBeLessThanOrEqual(1);
    await log.shutdown();
  });

  for (const crash of ['exception', 'rejection'] as const) {
    it(`handle${crash === 'exception' ? 'Exceptions' : 'Rejections'}: the fatal record reaches the backend before winston exits`, async () => {
      receiver = await startReceiver({ port: 0, write: null });
      const { records } = receiver;
      const run = await runTs(['test/integrations/fixtures/winston-crash.ts'], {
        env: {
          OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint,
          OTEL_SERVICE_NAME: 'crashy',
          CRASH: crash,
        },
      });
      expect(run.code).toBe(1);
      const message = crash === 'exception' ? 'unhandled boom' : 'rejected boom';
      const fatal = records.find((r) => r.attributes['exception.message'] === message);
      expect(fatal).toBeDefined();
      expect(fatal?.severityText).toBe('error');
      expect(String(fatal?.body)).toMatch(
        crash === 'exception' ? /^uncaughtException: unhandled boom$/ : /rejected boom/,
      );
      expect(fatal?.attributes['exception.stacktrace']).toMatch(/winston-crash\.ts/);
      expect(records.map((r) => r.body)).toContain('starting');
      expect(records[0].resource['service.name']).toBe('crashy');
    });
  }
});
