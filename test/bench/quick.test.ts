/**
 * Keeps the benchmark harness from rotting: its receiver counts what it is sent, and
 * `node bench/run.mjs --quick` runs every contender through every scenario and prints the table.
 * No thresholds: CI machines are too noisy for that, and the figures live in bench/RESULTS.md.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countJsonRecords, countProtobufRecords } from '../../bench/lib/count-records.mjs';
import { type ReceiverProcess, startReceiverProcess } from '../../bench/lib/receiver-client.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONTENDERS = [
  'podlog',
  'otel-sdk-default',
  'otel-sdk-tuned',
  'pino-otel-transport',
  'pino-podlog',
  'winston-otel-transport',
];

/** A protobuf ExportLogsServiceRequest with `shape[r][s]` records in scope s of resource r. */
function request(shape: number[][]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const scopes of shape) {
    w.uint32((1 << 3) | 2).fork(); // resource_logs
    w.uint32((1 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .fork(); // resource { attributes { … } }
    w.uint32((1 << 3) | 2).string('service.name');
    w.ldelim().ldelim();
    for (const n of scopes) {
      w.uint32((2 << 3) | 2).fork(); // scope_logs
      w.uint32((1 << 3) | 2)
        .fork()
        .uint32((1 << 3) | 2)
        .string('scope')
        .ldelim();
      for (let i = 0; i < n; i++) {
        w.uint32((2 << 3) | 2).fork(); // log_records
        w.uint32((1 << 3) | 1).fixed64('1700000000000000000'); // time_unix_nano
        w.uint32((2 << 3) | 0).uint32(9); // severity_number
        w.uint32((5 << 3) | 2)
          .fork()
          .uint32((1 << 3) | 2)
          .string(`record ${i}`)
          .ldelim(); // body
        w.ldelim();
      }
      w.uint32((3 << 3) | 2).string('https://example.com/schema'); // schema_url
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}

describe('bench record counting', () => {
  it('counts records across resources and scopes, skipping every other field', () => {
    expect(countProtobufRecords(request([[3, 0, 2], [5]]))).toBe(10);
    expect(countProtobufRecords(new Uint8Array(0))).toBe(0);
    expect(() => countProtobufRecords(request([[2]]).subarray(0, 20))).toThrow();
  });

  it('counts OTLP/JSON requests', () => {
    const body = { resourceLogs: [{ scopeLogs: [{ logRecords: [{}, {}] }, { logRecords: [{}] }] }] };
    expect(countJsonRecords(JSON.stringify(body))).toBe(3);
  });
});

describe('bench receiver process', () => {
  let receiver: ReceiverProcess;
  beforeAll(async () => {
    receiver = await startReceiverProcess();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  const post = (body: Uint8Array, headers: Record<string, string>) =>
    fetch(receiver.endpoint, { method: 'POST', body, headers });

  it('counts plain and gzipped protobuf, answers 503 when down, and resets', async () => {
    await receiver.reset();
    const plain = await post(request([[4]]), { 'content-type': 'application/x-protobuf' });
    expect(plain.status).toBe(200);
    const gz = await post(gzipSync(request([[1, 2]])), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(gz.status).toBe(200);
    await receiver.setMode('503');
    expect((await post(request([[7]]), { 'content-type': 'application/x-protobuf' })).status).toBe(503);
    await receiver.setMode('up');
    const seen = await receiver.stats();
    expect(seen).toMatchObject({ records: 7, requests: 2, rejected: 1, malformed: 0 });
    expect(seen.lastAt).toBeGreaterThanOrEqual(seen.firstAt ?? Number.POSITIVE_INFINITY);
    await receiver.reset();
    expect((await receiver.stats()).records).toBe(0);
  });
});

describe('npm run bench -- --quick', () => {
  it('runs every contender through every scenario and prints the tables', async () => {
    // --build: measure this tree built into a temp dir (a fresh clone has no dist/; never touch the shared one).
    // --no-micro: the stage micro-benchmarks are their owners' to keep working; this guards the harness.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bench/run.mjs', '--quick', '--no-micro', '--build'],
      {
        cwd: ROOT,
        timeout: 90_000,
        maxBuffer: 4 * 1024 * 1024,
      },
    );
    for (const scenario of ['burst', 'steady', 'outage']) {
      const section = stdout.split(`## ${scenario}\n`)[1]?.split('\n## ')[0] ?? '';
      expect(section, `section ${scenario}`).toContain('| contender | delivered / sent |');
      for (const name of CONTENDERS) {
        // A row with a delivered/sent cell, i.e. the run produced a result (not "runs failed").
        expect(section).toMatch(new RegExp(`^\\| ${name} \\| [\\d,]+ / [\\d,]+ = `, 'm'));
      }
    }
    expect(stdout).toContain('## Targets');
  }, 95_000);
});
