/** Lines the destination holds when the process exits reach podlog's accounting, none silently lost. */
import { describe, expect, it } from 'vitest';
import { runTs } from '../spawn.js';

describe('podlog/pino destination at process exit', () => {
  it('hands held lines to podlog before podlog’s exit handler: every line is counted', async () => {
    const run = await runTs(['test/integrations/pino/fixtures/exit-app.ts']);
    expect(run.code).toBe(0);
    const { held, stats } = JSON.parse(run.stdout);
    expect(held).toBeGreaterThan(400); // the queue (50) was full: the destination held the rest
    // The 500 lines, plus at most podlog's own final drop summary (written at process.exit).
    expect(stats.accepted - 500).toBeGreaterThanOrEqual(0);
    expect(stats.accepted - 500).toBeLessThanOrEqual(1);
    expect(stats.exported + stats.queued + stats.spooled + stats.dropped.total).toBe(stats.accepted);
  });
});
