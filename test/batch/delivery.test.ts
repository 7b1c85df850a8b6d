/**
 * The acceptance scenarios of the batch stage against a real OTLP/HTTP receiver on 127.0.0.1,
 * through `createLogger` and the real exporter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { expectInvariant } from './fakes.js';

function indices(receiver: TestReceiver): number[] {
  return receiver
    .records()
    .filter((r) => r.scope !== 'podlog')
    .map((r) => Number(r.attributes.i))
    .sort((a, b) => a - b);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('delivery through a real receiver', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('a synchronous burst of 100,000 info calls, then shutdown(), delivers all exactly once', async () => {
    const log = createLogger({ endpoint: receiver.endpoint, diagnostics: false, handleExit: false });
    for (let i = 0; i < 100_000; i++) log.info('burst', { i });
    expectInvariant(log.stats());
    await log.shutdown();
    expect(indices(receiver)).toEqual(range(100_000));
    const s = log.stats();
    expect(s).toMatchObject({ accepted: 100_000, exported: 100_000, queued: 0 });
    expect(s.dropped.total).toBe(0);
    expect(s.requests).toBe(receiver.requests.length);
    expectInvariant(s);
  });

  it('a backend answering 503 for 3 s still gets every record', async () => {
    const until = Date.now() + 3000;
    let refused = 0;
    receiver.respond = () => {
      if (Date.now() < until) {
        refused++;
        return { status: 503 };
      }
      return { status: 200, headers: { 'content-type': 'application/x-protobuf' } };
    };
    const log = createLogger({
      endpoint: receiver.endpoint,
      diagnostics: false,
      handleExit: false,
      batch: { maxRecords: 1000 },
    });
    for (let i = 0; i < 20_000; i++) log.info('through an outage', { i });
    await log.shutdown({ timeoutMs: 20_000 });
    expect(refused).toBeGreaterThan(0);
    expect(indices(receiver)).toEqual(range(20_000));
    const s = log.stats();
    expect(s).toMatchObject({ exported: 20_000, queued: 0 });
    expect(s.retries).toBeGreaterThan(0);
    expect(s.dropped.total).toBe(0);
    expectInvariant(s);
  });

  it('a queue smaller than the burst with drop-newest: stats count exactly the difference', async () => {
    const log = createLogger({
      endpoint: receiver.endpoint,
      diagnostics: false,
      handleExit: false,
      queue: { maxRecords: 2000 },
      overflow: 'drop-newest',
    });
    for (let i = 0; i < 5000; i++) log.info('too many', { i });
    let s = log.stats();
    expect(s.dropped.queue_full).toBe(3000);
    expect(s.dropped.total).toBe(3000);
    expectInvariant(s);
    await log.flush(); // the queue empties: podlog writes its drop summary
    await log.shutdown();
    expect(indices(receiver)).toEqual(range(2000));
    const own = receiver.records().filter((r) => r.scope === 'podlog');
    expect(own).toHaveLength(1);
    expect(own[0]!.body).toBe('podlog dropped 3000 records (queue_full: 3000)');
    s = log.stats();
    expect(s).toMatchObject({ accepted: 5001, exported: 2001, queued: 0 });
    expectInvariant(s);
  });

  it('logging after shutdown is counted (accepted and dropped as after_shutdown), never sent', async () => {
    const log = createLogger({ endpoint: receiver.endpoint, diagnostics: false, handleExit: false });
    log.info('before', { i: 0 });
    await log.shutdown();
    log.info('after', { i: 1 });
    await log.shutdown();
    const s = log.stats();
    expect(s).toMatchObject({ accepted: 2, exported: 1 });
    expect(s.dropped.after_shutdown).toBe(1);
    expect(indices(receiver)).toEqual([0]);
    expectInvariant(s);
  });
});

describe('createLogger option checks', () => {
  it("rejects overflow: 'spool' without a spool directory", () => {
    expect(() => createLogger({ overflow: 'spool', env: {}, diagnostics: false })).toThrow(/overflow/);
  });
});
