import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { runTs } from '../helpers/run-ts.js';

/** Runs fixtures/winston-hold.ts against the receiver; a hang is killed at the bound. */
async function runHold(holdCase: 'below-low-water' | 'closed') {
  const run = await runTs(['test/integrations/fixtures/winston-hold.ts'], {
    env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint, HOLD_CASE: holdCase, RECORDS: '30' },
    timeoutMs: 25_000, // within the 30 s test timeout; the child needs ~3 s unloaded
  });
  expect(run.killed, `the child hung (a microtask spin starves its event loop)\n${run.stderr}`).toBe(false);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim()) as {
    logged: number;
    holds: number;
    turns: number;
    stats: { accepted: number; exported: number; dropped: Record<string, number> & { total: number } };
  };
}

let receiver: TestReceiver;

describe('podlog/winston: the hold never spins', () => {
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('holdAt below the low-water mark: holds until the fill is below holdAt, and nothing is lost', async () => {
    receiver.requests.length = 0;
    const out = await runHold('below-low-water');
    expect(out.logged).toBe(30);
    expect(out.holds).toBeGreaterThan(0); // the stream was held...
    expect(out.turns).toBeGreaterThan(0); // ...and timers still ran meanwhile
    expect(out.stats.accepted).toBe(33);
    expect(out.stats.exported).toBe(33);
    expect(out.stats.dropped.total).toBe(0);
    const ids = receiver.records().map((r) => Number(r.attributes.i));
    expect(ids).toEqual([-1, -2, -3, ...Array.from({ length: 30 }, (_, i) => i)]);
    // The 3 direct records went in one request; the held ones only while the fill was below
    // holdAt, 2 of 10 at a time (up to half full, 5, before the fix).
    expect(receiver.largestRequest()).toBe(3);
  });

  it('a logger shutting down with its queue over holdAt: held records pass through, counted', async () => {
    receiver.requests.length = 0;
    const out = await runHold('closed');
    expect(out.logged).toBe(30);
    expect(out.stats.accepted).toBe(33);
    expect(out.stats.exported + out.stats.dropped.total).toBe(33);
    expect(out.stats.dropped.after_shutdown).toBe(30);
    expect(receiver.records().map((r) => Number(r.attributes.i))).toEqual([-1, -2, -3]);
  });
});
