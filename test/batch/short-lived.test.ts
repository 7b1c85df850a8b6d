/**
 * Short-lived processes (Jobs, CronJobs, CLIs) and drops late in a process (issue #15): real
 * child processes against a real receiver on 127.0.0.1 and a real spool directory.
 *
 * - `shutdown()` sends the spool backlog an earlier run left, exactly once;
 * - the drops not yet summarized reach the backend before `shutdown()` resolves (and at
 *   `beforeExit`), or the spool at `process.exit()`;
 * - the final account line on stderr has the totals.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/stats.js';
import { deadEndpoint, startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { type RunResult, runTs } from '../helpers/run-ts.js';
import { expectInvariant } from './fakes.js';

const CHILD = fileURLToPath(new URL('./fixtures/account-child.ts', import.meta.url));

/** Far beyond what any case needs; a hang is killed here and fails the test. */
const BOUND_MS = 40_000;

/** Runs the child; its last stdout line is its final `log.stats()`. */
async function runChild(env: Record<string, string>): Promise<RunResult & { stats: StatsSnapshot }> {
  const run = await runTs([CHILD], { env, timeoutMs: BOUND_MS });
  const line = run.stdout.trim().split('\n').pop();
  return { ...run, stats: line ? JSON.parse(line) : undefined };
}

type Rec = ReturnType<TestReceiver['records']>[number];
const isSummary = (r: Rec) => r.eventName === 'podlog.dropped';
const summed = (records: Rec[], key: string) =>
  records.filter(isSummary).reduce((n, r) => n + Number(r.attributes[key] ?? 0), 0);

/** The one account line podlog writes at the end. */
function accountLine(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .find((l) => /^podlog: accepted \d+, exported \d+, spooled \d+, dropped \d+/.test(l));
}

describe('short-lived processes and late drops', () => {
  let dir: string;
  let receiver: TestReceiver | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'podlog-short-'));
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("a run that logs one line and calls shutdown() sends an earlier run's spool backlog, exactly once", async () => {
    const spool = join(dir, 'spool');
    const first = await runChild({ ENDPOINT: await deadEndpoint(), SPOOL_DIR: spool, RUN: '1', N: '5000' });
    expect(first.killed).toBe(false);
    expect(first.code).toBe(0);
    expect(first.stats.spooled).toBe(5000);
    expect(first.stats.dropped.total).toBe(0);
    expectInvariant(first.stats);
    // What is left is said, and the account line has it.
    expect(first.stderr, first.stderr).toContain('5000 records left in the spool');
    expect(accountLine(first.stderr)).toBe('podlog: accepted 5000, exported 0, spooled 5000, dropped 0');

    receiver = await startReceiver();
    const second = await runChild({ ENDPOINT: receiver.endpoint, SPOOL_DIR: spool, RUN: '2', N: '1' });
    expect(second.killed).toBe(false);
    expect(second.code).toBe(0);
    expect(second.stats).toMatchObject({ recovered: 5000, exported: 5001, spooled: 0, queued: 0 });
    expect(second.stats.dropped.total).toBe(0);
    expectInvariant(second.stats);
    const got = receiver.records().filter((r) => !isSummary(r));
    const keys = got.map((r) => `${r.attributes.run}:${r.attributes.i}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k.startsWith('1:'))).toHaveLength(5000);
    expect(keys).toContain('2:0');
    expect(got).toHaveLength(5001);
    // Nothing dropped, nothing left: no account line.
    expect(accountLine(second.stderr)).toBeUndefined();
  }, 90_000);

  it('with an unusable spool directory, 20,000 drops still reach the backend as a summary', async () => {
    // A path under a regular file: the spool can never open (root ignores read-only modes).
    writeFileSync(join(dir, 'file'), '');
    receiver = await startReceiver();
    const ended = await runChild({
      ENDPOINT: receiver.endpoint,
      SPOOL_DIR: join(dir, 'file', 'spool'),
      RUN: '1',
      N: '20000',
      QUEUE_MAX: '200',
    });
    expect(ended.code).toBe(0);
    const s = ended.stats;
    expect(s.dropped.total).toBeGreaterThan(15_000);
    expectInvariant(s);
    expect(summed(receiver.records(), 'podlog.dropped.total')).toBe(s.dropped.total);
  }, 60_000);

  for (const [mode, when] of [
    ['shutdown', 'before shutdown() resolves'],
    ['idle', 'at beforeExit (no shutdown call)'],
    ['sigterm', 'at SIGTERM with an app listener (podlog only flushes)'],
  ] as const) {
    it(`drops late in a process are summarized to the backend ${when}`, async () => {
      receiver = await startReceiver();
      const ended = await runChild({
        ENDPOINT: receiver.endpoint,
        RUN: '1',
        N: '10000',
        BURSTS: '2',
        QUEUE_MAX: '200',
        END_MODE: mode,
      });
      expect(ended.killed).toBe(false);
      expect(ended.code).toBe(0);
      const s = ended.stats;
      expect(s.dropped.queue_full).toBeGreaterThan(15_000);
      expectInvariant(s);
      const records = receiver.records();
      // Every drop is in a summary the backend received (the second burst's came after the
      // first summary, within its 10 s interval).
      expect(summed(records, 'podlog.dropped.queue_full')).toBe(s.dropped.queue_full);
      expect(records.filter((r) => !isSummary(r)).length + s.dropped.queue_full).toBe(20_000);
      expect(accountLine(ended.stderr)).toBe(
        `podlog: accepted ${s.accepted}, exported ${s.exported}, spooled 0, dropped ${s.dropped.total} (queue_full ${s.dropped.queue_full})`,
      );
    }, 60_000);
  }

  it('at process.exit() the pending summary goes to the spool, and the next run delivers it', async () => {
    const spool = join(dir, 'spool');
    receiver = await startReceiver();
    // A burst over the queue, then process.exit() at once: nothing was sent, nothing summarized.
    const first = await runChild({
      ENDPOINT: receiver.endpoint,
      SPOOL_DIR: spool,
      RUN: '1',
      N: '1000',
      QUEUE_MAX: '200',
      END_MODE: 'exit',
    });
    expect(first.code).toBe(0);
    const dropped = first.stats.dropped.queue_full;
    expect(dropped).toBeGreaterThanOrEqual(800);
    // The queued records and the summary (one more accepted record) went to the spool.
    const kept = 1000 - dropped + 1;
    expect(first.stats).toMatchObject({ accepted: 1001, exported: 0, spooled: kept });
    expectInvariant(first.stats);
    expect(accountLine(first.stderr)).toBe(
      `podlog: accepted 1001, exported 0, spooled ${kept}, dropped ${dropped} (queue_full ${dropped})`,
    );
    const second = await runChild({ ENDPOINT: receiver.endpoint, SPOOL_DIR: spool, RUN: '2', N: '1' });
    expect(second.code).toBe(0);
    expect(second.stats).toMatchObject({ recovered: kept, exported: kept + 1, spooled: 0 });
    expect(summed(receiver.records(), 'podlog.dropped.queue_full')).toBe(dropped);
  }, 60_000);
});
