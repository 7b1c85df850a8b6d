/**
 * Acceptance: a 100,000-record burst through `pino(opts, podlogDestination(log))` arrives
 * complete at a real receiver on 127.0.0.1, every record once, and `stats()` accounts for all.
 */
import { pino } from 'pino';
import { createLogger } from 'podlog';
import { podlogDestination } from 'podlog/pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningReceiver, startReceiver } from '../../../src/testing/receiver.js';

describe('podlog/pino: 100k burst', () => {
  let receiver: RunningReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('delivers every record of a synchronous 100,000-record pino burst exactly once', async () => {
    const N = 100_000;
    const seen = new Uint8Array(N);
    let received = 0;
    receiver = await startReceiver({
      port: 0,
      write: null,
      onRecord: (r) => {
        seen[Number(r.attributes.i)]++;
        received++;
      },
    });
    const log = createLogger({ endpoint: receiver.endpoint, handleExit: false, diagnostics: false });
    const dest = podlogDestination(log);
    const logger = pino({ level: 'info' }, dest);
    for (let i = 0; i < N; i++) {
      logger.info({ i, user: 'u-17', amount: 12.5, ok: true }, 'order placed');
    }
    await dest.flush();
    const s = log.stats();
    await log.shutdown();
    expect(received).toBe(N);
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(s.accepted).toBe(N);
    expect(s.exported).toBe(N);
    expect(s.dropped.total).toBe(0);
    expect(s.queued + s.spooled).toBe(0);
  }, 60_000);
});
