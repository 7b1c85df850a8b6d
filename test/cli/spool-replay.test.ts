/**
 * `podlog spool replay` goes through podlog's own exporter and replayer (413 split, spec status
 * rules, user-info as Basic auth, masking), run as the real CLI in a child process against a
 * real server on 127.0.0.1. The secret tests read every output stream and every file written.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { makeBatch } from '../helpers/otlp-independent.js';
import { harness, tempDir } from '../spool/helpers.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const podlog = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

const PASS = 'S3cr3t-pw-7788';
const TOKEN = 'tk_0099aabbccdd';
const BASIC = Buffer.from(`alice:${PASS}`).toString('base64');
const SECRETS = [PASS, TOKEN, BASIC];

/** Spools batches of real OTLP requests, `records[i]` records in batch `b-i`. */
async function fill(dir: string, records: number[]): Promise<void> {
  const h = harness(dir);
  for (const [i, n] of records.entries()) await h.spoolIt(makeBatch(`b-${i}`, { layout: [[n]] }));
  await h.spool.close();
}

/** Every file under `dir`, as latin1 text (secrets are ASCII). */
function allFiles(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out += statSync(p).isDirectory() ? allFiles(p) : readFileSync(p).toString('latin1');
  }
  return out;
}

/** The record bodies of a request, in order. */
function bodies(req: FaultServer['requests'][number]): string[] {
  return (req.decoded?.resourceLogs ?? []).flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => String(r.body).trim())),
  );
}

async function pending(dir: string): Promise<{ pendingBatches: number; quarantine: number }> {
  const r = JSON.parse((await podlog('spool', 'inspect', dir, '--json')).stdout);
  return { pendingBatches: r.totals.pendingBatches, quarantine: r.quarantine.files };
}

// Each test: a fresh spool directory and a real server on 127.0.0.1.
let dir: ReturnType<typeof tempDir>;
let server: FaultServer;
beforeEach(async () => {
  dir = tempDir();
  server = await startFaultServer();
});
afterEach(async () => {
  await server.close();
  dir.cleanup();
});

describe('podlog spool replay uses the real exporter and replayer', () => {
  it('a 413 splits the batch (not quarantined); every record arrives once', async () => {
    await fill(dir.dir, [1, 8, 2]);
    server.fallback = (req) => (bodies(req).length > 2 ? { status: 413 } : { status: 200 });
    const r = await podlog('spool', 'replay', dir.dir, '--endpoint', server.endpoint);
    expect(r.code).toBe(0);
    // Each request: its batch id, its records, the answer. A 413 halves the part (depth first,
    // one request at a time); every record reaches a 200 exactly once, in its batch's order.
    const m = (...i: number[]) => i.map((n) => `message ${n}`);
    expect(
      server.requests.map((q) => [
        q.headers['podlog-batch-id'],
        bodies(q),
        (q.action as { status: number }).status,
      ]),
    ).toEqual([
      ['b-0', m(0), 200],
      ['b-1', m(0, 1, 2, 3, 4, 5, 6, 7), 413],
      ['b-1.0', m(0, 1, 2, 3), 413],
      ['b-1.0.0', m(0, 1), 200],
      ['b-1.0.1', m(2, 3), 200],
      ['b-1.1', m(4, 5, 6, 7), 413],
      ['b-1.1.0', m(4, 5), 200],
      ['b-1.1.1', m(6, 7), 200],
      ['b-2', m(0, 1), 200],
    ]);
    expect(server.requests.map((q) => q.concurrent)).toEqual(Array(9).fill(1));
    expect(await pending(dir.dir)).toEqual({ pendingBatches: 0, quarantine: 0 });
  });

  it('a 500 is a refusal per the OTLP spec: sent once, quarantined, the rest delivered', async () => {
    await fill(dir.dir, [1, 2, 3]);
    server.fallback = (req) =>
      req.headers['podlog-batch-id'] === 'b-1' ? { status: 500, body: 'boom' } : { status: 200 };
    const r = await podlog('spool', 'replay', dir.dir, '--endpoint', server.endpoint, '--max-attempts', '3');
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => q.headers['podlog-batch-id'])).toEqual(['b-0', 'b-1', 'b-2']);
    expect(r.stderr).toMatch(/HTTP 500/);
    expect(r.stderr).toContain('3/3 batches');
    expect(await pending(dir.dir)).toEqual({ pendingBatches: 0, quarantine: 1 });
  });

  it('a 503 is retried, then delivered', async () => {
    await fill(dir.dir, [2]);
    server.enqueue({ status: 503, headers: { 'retry-after': '0' } });
    const r = await podlog('spool', 'replay', dir.dir, '--endpoint', server.endpoint);
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => q.action)).toEqual([
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 200 },
    ]);
    expect(await pending(dir.dir)).toEqual({ pendingBatches: 0, quarantine: 0 });
  });
});

describe('podlog spool replay never shows credentials', () => {
  it('user-info in --endpoint is sent as Basic auth and masked in output, even when echoed back', async () => {
    await fill(dir.dir, [1, 1]);
    const echo = `denied alice:${PASS} ${BASIC} token=${TOKEN}`;
    server.fallback = (req) =>
      req.headers['podlog-batch-id'] === 'b-0' ? { status: 401, body: echo } : { status: 200 };
    const endpoint = server.endpoint.replace('http://', `http://alice:${PASS}@`);
    const r = await podlog('spool', 'replay', dir.dir, '--endpoint', `${endpoint}?token=${TOKEN}`);
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(2);
    for (const q of server.requests) {
      expect(q.headers.authorization).toBe(`Basic ${BASIC}`);
      expect(q.url).toBe(`/v1/logs?token=${TOKEN}`);
    }
    expect(r.stderr).toMatch(/HTTP 401/);
    const everything = [r.stdout, r.stderr, allFiles(dir.dir)].join('\n');
    for (const s of SECRETS) expect(everything).not.toContain(s);
  });

  it('with no backend: stops, keeps the batches, and its error lines name the endpoint masked', async () => {
    await fill(dir.dir, [1, 2]);
    const s = createServer();
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((res) => s.close(() => res()));
    const r = await podlog(
      'spool',
      'replay',
      dir.dir,
      '--endpoint',
      `http://alice:${PASS}@127.0.0.1:${port}/v1/logs?token=${TOKEN}`,
      '--max-attempts',
      '2',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`http://127.0.0.1:${port}/v1/logs keeps failing`);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
    const everything = [r.stdout, r.stderr, allFiles(dir.dir)].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    expect(await pending(dir.dir)).toEqual({ pendingBatches: 2, quarantine: 0 });
  });

  it('a bad --endpoint is refused with exit 2, without its credentials', async () => {
    const r = await podlog(
      'spool',
      'replay',
      dir.dir,
      '--endpoint',
      `http://alice:${PASS}@bad host/?t=${TOKEN}`,
    );
    expect(r.code).toBe(2);
    for (const secret of SECRETS) expect(r.stdout + r.stderr).not.toContain(secret);
  });
});
