/**
 * End to end: a logger with a spool, receiver down, 50,000 records, shutdown(); a new process on
 * the same spool, receiver up: all 50,000 arrive, decodable, and the stats invariant holds in
 * both processes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/stats.js';
import { deadEndpoint } from '../helpers/receiver.js';
import { useDirAndReceiver } from './use-dir-and-receiver.js';

const run = promisify(execFile);
const APP = fileURLToPath(new URL('./fixtures/app.ts', import.meta.url));

async function app(...args: string[]): Promise<StatsSnapshot> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', APP, ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

function invariant(s: StatsSnapshot): void {
  expect(s.accepted + s.recovered).toBe(s.exported + s.queued + s.spooled + s.dropped.total);
}

describe('spool end to end (two processes)', () => {
  const env = useDirAndReceiver();

  it('50,000 records logged during an outage all arrive after a restart', async () => {
    const n = 50_000;
    const down = await app('down', await deadEndpoint(), env.dir, String(n));
    expect(down.accepted).toBe(n);
    expect(down.dropped.total).toBe(0);
    expect(down.spooled).toBe(n);
    invariant(down);

    const up = await app('up', env.receiver.endpoint, env.dir, '0');
    expect(up.recovered).toBe(n);
    expect(up.exported).toBe(n);
    expect(up.dropped.total).toBe(0);
    invariant(up);

    const seen = new Set(env.receiver.records().map((r) => Number(r.attributes.i)));
    expect(seen.size).toBe(n);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(n - 1);
    expect(env.receiver.records().every((r) => r.body === 'order placed')).toBe(true);
  }, 60_000);
});
