/**
 * Every backend fault, end to end through `createLogger` (real sockets on 127.0.0.1): each test
 * checks that nothing is lost beyond the drops the stats count, and that the accounting
 * invariant held at every turn of the event loop. Exporter-level details (backoff, splitting,
 * Retry-After parsing) are covered in test/export; here the whole pipeline is under test.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEN, tag, VARINT, Writer } from '../../src/otlp/index.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { until } from '../helpers/wait.js';
import {
  deliveredIndices,
  expectInvariant,
  faultLogger,
  logNumbered,
  range,
  tempSpoolDir,
} from './harness.js';

const N = 200;

function partialSuccess(rejected: number, message: string): Uint8Array {
  const inner = Writer.create();
  inner.uint32(tag(1, VARINT)).int64(rejected);
  inner.uint32(tag(2, LEN)).string(message);
  const w = Writer.create();
  w.uint32(tag(1, LEN)).bytes(inner.finish());
  return w.finish();
}

/** Shuts the logger down and checks the invariant held at every turn and at the end; returns the final stats. */
async function shutDownChecked(
  h: ReturnType<typeof faultLogger>,
  options?: { timeoutMs?: number },
): Promise<ReturnType<typeof h.log.stats>> {
  await h.log.shutdown(options);
  expect(h.stopWatch()).toEqual([]);
  const s = h.log.stats();
  expectInvariant(s);
  return s;
}

describe('backend faults, end to end through createLogger', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await startFaultServer();
  });
  afterEach(async () => {
    await server.close();
  });

  /** Logs N records, shuts down, and checks: all delivered, nothing dropped, invariant always held. */
  async function expectAllDelivered(h: ReturnType<typeof faultLogger>, n = N): Promise<void> {
    const s = await shutDownChecked(h, { timeoutMs: 15_000 });
    expect(s.dropped.total).toBe(0);
    expect(s.exported).toBe(n);
    expect(s.queued).toBe(0);
    expect(deliveredIndices(server).indices).toEqual(range(0, n));
  }

  it('connection refused: retried until the backend listens again, nothing lost', async () => {
    await server.refuse(true);
    const h = faultLogger(server);
    await logNumbered(h.log, N);
    await until(() => h.log.stats().retries >= 2, 'retries against a refusing port');
    expect(h.log.stats().exported).toBe(0);
    await server.refuse(false);
    await expectAllDelivered(h);
    expect(h.diag.some((l) => l.includes('ECONNREFUSED'))).toBe(true);
  });

  it('accept and hang: the request times out, is retried, nothing lost', async () => {
    server.enqueue({ hang: true }, { hang: true });
    const h = faultLogger(server, { timeoutMs: 150 });
    await logNumbered(h.log, N);
    await expectAllDelivered(h);
    expect(h.log.stats().retries).toBeGreaterThanOrEqual(2);
  });

  it('reset after the request was read, and mid-upload: retried, nothing lost', async () => {
    server.enqueue({ reset: true }, { reset: true, afterBytes: 10 }, { reset: true, delayMs: 20 });
    // One batch of 3N records (~135 KB, over the 64 KiB a socket read delivers at most): the
    // body arrives in several chunks, so a reset after the first one cuts the upload short.
    const h = faultLogger(server, { batch: { maxRecords: 3 * N, maxBytes: 1 << 20, maxDelayMs: 60_000 } });
    await logNumbered(h.log, 3 * N);
    await expectAllDelivered(h, 3 * N);
    expect(h.log.stats().retries).toBeGreaterThanOrEqual(3);
    // The mid-upload reset really cut the body short.
    const cut = server.requests.find((r) => 'reset' in r.action && r.action.afterBytes !== undefined);
    const full = Number(cut?.headers['content-length']);
    expect(full).toBeGreaterThan(64 * 1024);
    expect(cut?.raw.length).toBeGreaterThanOrEqual(10);
    expect(cut?.raw.length).toBeLessThan(full);
  });

  it('slow answers (under the timeout): delivered, nothing retried or lost', async () => {
    server.fallback = { status: 200, delayMs: 40 };
    const h = faultLogger(server, { timeoutMs: 2_000 });
    await logNumbered(h.log, N);
    await expectAllDelivered(h);
    expect(h.log.stats().retries).toBe(0);
  });

  for (const status of [429, 503]) {
    for (const retryAfter of [undefined, '0', '1']) {
      it(`${status}${retryAfter === undefined ? ' without Retry-After' : ` with Retry-After: ${retryAfter}`}: retried, nothing lost`, async () => {
        const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': retryAfter };
        server.enqueue({ status, headers }, { status, headers });
        const h = faultLogger(server);
        await logNumbered(h.log, N);
        await expectAllDelivered(h);
        expect(h.log.stats().retries).toBeGreaterThanOrEqual(2);
      });
    }
  }

  for (const status of [400, 500]) {
    it(`${status}: that batch is dropped as rejected and counted exactly; the rest arrives`, async () => {
      server.enqueue({ status, body: 'bad request: field x' });
      // A timeout far above any answer time, so that on a loaded machine no request times out:
      // then any retry would be of the refusal.
      const h = faultLogger(server, { timeoutMs: 5_000 });
      await logNumbered(h.log, N);
      const s = await shutDownChecked(h);
      const { indices: got, summaries } = deliveredIndices(server);
      // Exactly the records of the one refused request.
      const [refused] = server.requests;
      expect((refused.action as { status: number }).status).toBe(status);
      const refusedRecords = refused.decoded?.resourceLogs.flatMap((rl) =>
        rl.scopeLogs.flatMap((sl) => sl.logRecords),
      );
      expect(refusedRecords).toHaveLength(25); // batch.maxRecords of faultLogger
      expect(s.dropped.rejected).toBe(25);
      expect(s.dropped.total).toBe(s.dropped.rejected);
      // No loss beyond the counted drops: what did not arrive is exactly what was counted
      // (the drop-summary record podlog writes about the loss is exported too).
      expect(summaries).toBe(1);
      expect(got.length + summaries).toBe(s.exported);
      expect(N - got.length).toBe(s.dropped.rejected);
      expect(new Set(got).size).toBe(got.length);
      expect(s.retries).toBe(0);
      const refusedId = refused.headers['podlog-batch-id'];
      expect(server.requests.filter((q) => q.headers['podlog-batch-id'] === refusedId)).toHaveLength(1);
      expect(h.diag.some((l) => l.includes(`HTTP ${status}`))).toBe(true);
    });
  }

  it('413: batches are split until they fit; a single record too large is dropped as too_large', async () => {
    // The backend refuses bodies over 1.5 KiB.
    server.fallback = (req) => (req.body.length > 1536 ? { status: 413 } : { status: 200 });
    const h = faultLogger(server, { batch: { maxRecords: 40, maxDelayMs: 5 } });
    await logNumbered(h.log, N);
    h.log.info('huge', { i: N, blob: 'x'.repeat(4000) });
    const s = await shutDownChecked(h);
    expect(s.dropped.too_large).toBe(1);
    expect(s.dropped.total).toBe(1);
    const { indices, summaries } = deliveredIndices(server);
    expect(indices).toEqual(range(0, N));
    expect(s.exported).toBe(N + summaries);
    expect(server.requests.some((r) => 'status' in r.action && r.action.status === 413)).toBe(true);
  });

  it('partial success: the rejected count is dropped as rejected, the rest exported', async () => {
    server.enqueue({
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
      body: partialSuccess(3, 'attribute too long'),
    });
    const h = faultLogger(server, { timeoutMs: 5_000 }); // no timeout on a loaded machine: no retry
    await logNumbered(h.log, N);
    const s = await shutDownChecked(h);
    expect(s.dropped.rejected).toBe(3);
    expect(s.dropped.total).toBe(3);
    const { indices, summaries } = deliveredIndices(server);
    expect(summaries).toBe(1);
    expect(s.exported).toBe(N - 3 + summaries);
    // The server saw every record once; 3 of them it kept for itself (never retried).
    expect(indices).toEqual(range(0, N));
    expect(s.retries).toBe(0);
    expect(h.diag.some((l) => l.includes('partial success'))).toBe(true);
  });

  it('flapping between refuse, hang, reset, 503 and 200 with a spool: everything arrives once healthy', async () => {
    const spool = tempSpoolDir();
    try {
      server.flap([
        { ms: 60, action: 'refuse' },
        { ms: 60, action: { status: 503, headers: { 'retry-after': '0' } } },
        { ms: 60, action: { hang: true } },
        { ms: 60, action: { status: 200 } },
        { ms: 60, action: { reset: true } },
        { ms: 60, action: { status: 200, delayMs: 30 } },
      ]);
      const h = faultLogger(server, {
        timeoutMs: 100,
        retry: { maxAttempts: 3, maxElapsedMs: 300, initialDelayMs: 5, maxDelayMs: 20 },
        spool: { dir: spool.dir, requestsPerSecond: 200 },
      });
      for (let round = 0; round < 8; round++) {
        await logNumbered(h.log, N / 8, (round * N) / 8);
        await new Promise((r) => setTimeout(r, 25));
      }
      await until(() => h.log.stats().queued === 0, 'the memory queue to empty');
      await server.stopFlapping();
      await until(
        () => h.log.stats().spooled === 0 && h.log.stats().queued === 0,
        'the spool to drain',
        15_000,
      );
      const s = await shutDownChecked(h);
      expect(s.dropped.total).toBe(0);
      const { indices } = deliveredIndices(server);
      expect(indices).toEqual(range(0, N));
      // The outage phases really pushed batches through the disk and back.
      expect(h.peakSpooled).toBeGreaterThan(0);
      expect(s.retries).toBeGreaterThan(0);
    } finally {
      spool.cleanup();
    }
  });
});
