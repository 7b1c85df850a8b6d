/**
 * `flush()` and `shutdown()` drain the spool backlog an earlier run left, within the shutdown
 * deadline, and say what is left when they cannot (issue #15). Real loggers against a real
 * server on 127.0.0.1, a real spool directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { deadEndpoint } from '../helpers/receiver.js';
import { expectInvariant } from './fakes.js';

function logger(
  endpoint: string,
  dir: string,
  lines: string[],
  shutdownTimeoutMs = 5_000,
  queueMax?: number,
) {
  return createLogger({
    endpoint,
    serviceName: 'backlog',
    spool: { dir },
    ...(queueMax ? { queue: { maxRecords: queueMax }, overflow: 'drop-newest' as const } : {}),
    retry: { maxElapsedMs: 200, initialDelayMs: 10, maxDelayMs: 20 },
    shutdownTimeoutMs,
    handleExit: false,
    diagnostics: (line) => lines.push(line),
  });
}

/** Leaves `n` records in the spool at `dir`, as a run whose backend was down. */
async function leaveBacklog(dir: string, n: number): Promise<void> {
  const lines: string[] = [];
  const log = logger(await deadEndpoint(), dir, lines);
  for (let i = 0; i < n; i++) log.info('old', { i });
  await log.shutdown();
  expect(log.stats().spooled).toBe(n);
}

describe('the spool backlog at flush and shutdown', () => {
  let dir: string;
  let server: FaultServer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'podlog-backlog-'));
    server = await startFaultServer();
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('flush() sends the backlog while the backend takes it', async () => {
    await leaveBacklog(dir, 3000);
    const lines: string[] = [];
    const log = logger(server.endpoint, dir, lines);
    log.info('new');
    await log.flush();
    const s = log.stats();
    expect(s).toMatchObject({ recovered: 3000, exported: 3001, spooled: 0, queued: 0 });
    expect(server.records().filter((r) => r.body === 'old')).toHaveLength(3000);
    await log.shutdown();
    expectInvariant(log.stats());
  });

  it('shutdown() within its deadline: a backend that stops answering leaves the rest spooled, and says so', async () => {
    await leaveBacklog(dir, 3000);
    // The first replay goes through, every later request hangs.
    server.enqueue({ status: 200 });
    server.fallback = { hang: true };
    const lines: string[] = [];
    const log = logger(server.endpoint, dir, lines, 800);
    const started = Date.now();
    await log.shutdown();
    // The deadline, plus the abort grace (1 s) at most, plus slack for a loaded machine.
    expect(Date.now() - started).toBeLessThan(800 + 1000 + 1500);
    const s = log.stats();
    expectInvariant(s);
    // Exported is exactly what the one answered request carried.
    expect(server.requests[0].action).toEqual({ status: 200 });
    expect(s.exported).toBeGreaterThan(0);
    expect(server.records()).toHaveLength(s.exported);
    expect(s.spooled).toBe(3000 - s.exported);
    expect(lines.some((l) => l.includes(`shutdown: ${s.spooled} records left in the spool`))).toBe(true);
    expect(lines).toContain(
      `accepted 0, exported ${s.exported}, spooled ${s.spooled}, dropped 0; recovered 3000 from an earlier process`,
    );
  });

  it('with the backend down, the last drop summary goes to the spool, and the next run delivers it', async () => {
    const lines: string[] = [];
    const down = logger(await deadEndpoint(), dir, lines, 5_000, 100);
    for (let i = 0; i < 1000; i++) down.info('burst', { i });
    await down.shutdown();
    const s = down.stats();
    expectInvariant(s);
    expect(s.dropped.queue_full).toBeGreaterThanOrEqual(900);
    // The summary is one more accepted record, kept in the spool with the queued ones.
    expect(s.accepted).toBe(1001);
    expect(s.spooled).toBe(1001 - s.dropped.queue_full);
    const up = logger(server.endpoint, dir, []);
    await up.flush();
    const summaries = server.records().filter((r) => r.eventName === 'podlog.dropped');
    expect(summaries.map((r) => Number(r.attributes['podlog.dropped.queue_full']))).toEqual([
      s.dropped.queue_full,
    ]);
    await up.shutdown();
  });
});
