/** `podlog spool inspect | replay | purge`, run as the real CLI in a child process. */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { harness, makeBatch, tempDir } from './helpers.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const podlog = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', MAIN, ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

/** Bodies that decode as ExportLogsServiceRequest: an empty request is valid protobuf. */
async function fill(dir: string, n: number) {
  const h = harness(dir);
  for (let i = 0; i < n; i++) await h.spoolIt({ ...makeBatch(i), body: new Uint8Array(0) });
  await h.spool.close();
}

describe('podlog spool tools', () => {
  let t: ReturnType<typeof tempDir>;
  let receiver: TestReceiver;
  beforeEach(async () => {
    t = tempDir();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    t.cleanup();
  });

  it('inspect reports segments, pending batches and records, without changing anything', async () => {
    await fill(t.dir, 7);
    const before = readdirSync(t.dir).sort();
    const r = await podlog('spool', 'inspect', t.dir, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    let records = 0;
    for (let i = 0; i < 7; i++) records += makeBatch(i).count;
    expect(report.totals).toMatchObject({ pendingBatches: 7, pendingRecords: records, corruptFrames: 0 });
    expect(readdirSync(t.dir).sort()).toEqual(before);
    const text = await podlog('spool', 'inspect', t.dir);
    expect(text.stdout).toContain(`7 batches / ${records} records pending`);
  });

  it('replay sends every batch with its id header, quarantines 400s, and empties the spool', async () => {
    await fill(t.dir, 6);
    receiver.respond = (req) =>
      req.headers['podlog-batch-id'] === 'b-3'
        ? { status: 400 }
        : { status: 200, headers: { 'content-type': 'application/x-protobuf' } };
    const r = await podlog('spool', 'replay', t.dir, '--endpoint', receiver.endpoint);
    expect(r.code).toBe(0);
    expect(receiver.requests.map((q) => q.headers['podlog-batch-id'])).toEqual([
      'b-0',
      'b-1',
      'b-2',
      'b-4',
      'b-5',
    ]);
    expect(r.stderr).toContain('6/6 batches');
    const after = JSON.parse((await podlog('spool', 'inspect', t.dir, '--json')).stdout);
    expect(after.totals.pendingBatches).toBe(0);
    expect(after.quarantine.files).toBe(1);
  });

  it('replay and purge refuse a spool owned by a live process; purge empties it afterwards', async () => {
    await fill(t.dir, 3);
    const owner = harness(t.dir);
    expect((await podlog('spool', 'replay', t.dir, '--endpoint', receiver.endpoint)).code).toBe(1);
    expect((await podlog('spool', 'purge', t.dir)).code).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    await owner.spool.close();
    const r = await podlog('spool', 'purge', t.dir);
    expect(r.code).toBe(0);
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.seg'))).toEqual([]);
    expect(existsSync(join(t.dir, 'cursor'))).toBe(false);
  });

  it('usage errors exit 2', async () => {
    expect((await podlog('spool', 'replay', t.dir)).code).toBe(2);
    expect((await podlog('spool', 'nope', t.dir)).code).toBe(2);
  });
});
