/** `podlog spool inspect | replay | purge`, run as the real CLI in a child process. */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { harness, makeBatch } from './helpers.js';
import { useDirAndReceiver } from './use-dir-and-receiver.js';

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
  const env = useDirAndReceiver();

  it('inspect reports segments, pending batches and records, without changing anything', async () => {
    await fill(env.dir, 7);
    const before = readdirSync(env.dir).sort();
    const r = await podlog('spool', 'inspect', env.dir, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    let records = 0;
    for (let i = 0; i < 7; i++) records += makeBatch(i).count;
    expect(report.totals).toMatchObject({ pendingBatches: 7, pendingRecords: records, corruptFrames: 0 });
    expect(readdirSync(env.dir).sort()).toEqual(before);
    const text = await podlog('spool', 'inspect', env.dir);
    expect(text.stdout).toContain(`7 batches / ${records} records pending`);
  });

  it('replay sends every batch with its id header, quarantines 400s, and empties the spool', async () => {
    await fill(env.dir, 6);
    env.receiver.respond = (req) =>
      req.headers['podlog-batch-id'] === 'b-3'
        ? { status: 400 }
        : { status: 200, headers: { 'content-type': 'application/x-protobuf' } };
    const r = await podlog('spool', 'replay', env.dir, '--endpoint', env.receiver.endpoint);
    expect(r.code).toBe(0);
    expect(env.receiver.requests.map((q) => q.headers['podlog-batch-id'])).toEqual([
      'b-0',
      'b-1',
      'b-2',
      'b-4',
      'b-5',
    ]);
    expect(r.stderr).toContain('6/6 batches');
    const after = JSON.parse((await podlog('spool', 'inspect', env.dir, '--json')).stdout);
    expect(after.totals.pendingBatches).toBe(0);
    expect(after.quarantine.files).toBe(1);
  });

  it('replay and purge refuse a spool owned by a live process; purge empties it afterwards', async () => {
    await fill(env.dir, 3);
    const owner = harness(env.dir);
    expect((await podlog('spool', 'replay', env.dir, '--endpoint', env.receiver.endpoint)).code).toBe(1);
    expect((await podlog('spool', 'purge', env.dir)).code).toBe(1);
    expect(env.receiver.requests).toHaveLength(0);
    await owner.spool.close();
    const r = await podlog('spool', 'purge', env.dir);
    expect(r.code).toBe(0);
    expect(readdirSync(env.dir).filter((f) => f.endsWith('.seg'))).toEqual([]);
    expect(existsSync(join(env.dir, 'cursor'))).toBe(false);
  });

  it('usage errors exit 2', async () => {
    expect((await podlog('spool', 'replay', env.dir)).code).toBe(2);
    expect((await podlog('spool', 'nope', env.dir)).code).toBe(2);
  });
});
