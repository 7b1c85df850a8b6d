/** Lines the destination holds when the process exits reach podlog's accounting, none silently lost. */
import { describe, expect, it } from 'vitest';
import { runTs } from '../../helpers/run-ts.js';

describe('podlog/pino destination at process exit', () => {
  it('hands held lines to podlog before podlog’s exit handler: every line is counted', async () => {
    const run = await runTs(['test/integrations/pino/fixtures/exit-app.ts']);
    expect(run.code).toBe(0);
    const { held, stats } = JSON.parse(run.stdout);
    expect(held).toBeGreaterThan(400); // the queue (50) was full: the destination held the rest
    // The 500 lines only: without a spool, the final drop summary could only be dropped at exit,
    // so podlog does not write it (nor count it as accepted and dropped).
    expect(stats.accepted).toBe(500);
    expect(stats.exported + stats.queued + stats.spooled + stats.dropped.total).toBe(stats.accepted);
  });
});
