/**
 * A process whose backend is down must still end by itself (default `handleExit`, no spool):
 * its records are counted once, and podlog's drop summary never feeds on its own loss.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/stats.js';
import { deadEndpoint } from '../helpers/receiver.js';
import { type RunResult, runTs } from '../helpers/run-ts.js';
import { expectInvariant } from './fakes.js';

const CHILD = fileURLToPath(new URL('./fixtures/dead-backend-child.ts', import.meta.url));

/** Far beyond what either case needs (retry budget + deadline + start-up); a hang is killed here. */
const BOUND_MS = 20_000;

/** Runs the child; its last stdout line is its final `log.stats()`. */
async function runChild(env: Record<string, string>): Promise<RunResult & { stats?: StatsSnapshot }> {
  const run = await runTs([CHILD], { env, timeoutMs: BOUND_MS });
  const line = run.stdout.trim().split('\n').pop();
  return { ...run, stats: line ? JSON.parse(line) : undefined };
}

describe('a process whose backend is down (no spool, default handleExit)', () => {
  it('ends by itself once the retry budget is spent: records dropped as retries_exhausted, no summary', async () => {
    const ended = await runChild({
      ENDPOINT: await deadEndpoint(),
      N: '3',
      RETRY_MAX_ELAPSED_MS: '300',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    expect(ended.killed).toBe(false);
    expect(ended.code).toBe(0);
    const s = ended.stats!;
    // No drop summary was written: it could not have been delivered (the backend never answered).
    expect(s.accepted).toBe(3);
    expect(s.dropped).toMatchObject({ total: 3, retries_exhausted: 3 });
    expect(s.queued).toBe(0);
    expectInvariant(s);
    expect(ended.stderr).toContain('(retries_exhausted)');
  }, 30_000);

  it('with a retry budget longer than the deadline, ends after shutdownTimeoutMs: the rest counted as shutdown', async () => {
    const ended = await runChild({
      ENDPOINT: await deadEndpoint(),
      N: '3',
      RETRY_MAX_ELAPSED_MS: '600000',
      SHUTDOWN_TIMEOUT_MS: '300',
    });
    expect(ended.killed).toBe(false);
    expect(ended.code).toBe(0);
    const s = ended.stats!;
    expect(s.accepted).toBe(3);
    expect(s.dropped).toMatchObject({ total: 3, shutdown: 3 });
    expectInvariant(s);
    expect(ended.stderr).toContain('(shutdown)');
  }, 30_000);
});
