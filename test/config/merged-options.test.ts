/**
 * The merged options (docs/configuration.md › Deprecated options): `concurrency` is an alias of
 * `maxConcurrentRequests`, `batch.maxBytes` of `maxRequestBytes`; one number per bound, the old
 * names accepted for one release with one diagnostic warning each.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger/index.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { invalid, resolve } from './helpers.js';

const MiB = 1024 * 1024;

describe('maxConcurrentRequests (concurrency is its deprecated alias)', () => {
  it('bounds the batches in flight and the requests alike', () => {
    const c = resolve({ maxConcurrentRequests: 5 });
    expect(c.export.maxConcurrentRequests).toBe(5);
    expect(c.pipeline.concurrency).toBe(5);
    expect(c.deprecations).toEqual([]);
    expect(resolve({}).pipeline.concurrency).toBe(2);
  });

  it('concurrency maps onto it, with one deprecation line', () => {
    const c = resolve({ concurrency: 3 });
    expect(c.export.maxConcurrentRequests).toBe(3);
    expect(c.pipeline.concurrency).toBe(3);
    expect(c.deprecations).toHaveLength(1);
    expect(c.deprecations[0]).toMatch(/concurrency is deprecated.*use maxConcurrentRequests/);
  });

  it('maxConcurrentRequests wins when both are given', () => {
    const c = resolve({ concurrency: 3, maxConcurrentRequests: 6 });
    expect(c.pipeline.concurrency).toBe(6);
    expect(c.export.maxConcurrentRequests).toBe(6);
  });

  it.each([0, 1.5, 65, '2'])('concurrency %j is refused under its own name, with the new range', (value) => {
    const err = invalid(() => resolve({ concurrency: value }));
    expect(err.option).toBe('concurrency');
    expect(err.message).toContain('expected an integer from 1 to 64');
  });
});

describe('maxRequestBytes (batch.maxBytes is its deprecated alias)', () => {
  it('batches are cut at 1 MiB, or at maxRequestBytes when lower', () => {
    expect(resolve({}).batch.maxBytes).toBe(MiB);
    expect(resolve({}).export.maxRequestBytes).toBe(4 * MiB);
    expect(resolve({ maxRequestBytes: 256 * 1024 }).batch.maxBytes).toBe(256 * 1024);
    expect(resolve({ maxRequestBytes: 8 * MiB }).batch.maxBytes).toBe(MiB);
  });

  it('batch.maxBytes maps onto it, with one deprecation line', () => {
    const c = resolve({ batch: { maxBytes: 64 * 1024 } });
    expect(c.export.maxRequestBytes).toBe(64 * 1024);
    expect(c.batch.maxBytes).toBe(64 * 1024);
    expect(c.deprecations).toHaveLength(1);
    expect(c.deprecations[0]).toMatch(/batch\.maxBytes is deprecated.*use maxRequestBytes/);
    expect(resolve({ batch: { maxBytes: 64 * 1024 }, maxRequestBytes: 2048 }).batch.maxBytes).toBe(2048);
  });

  it.each([0, 100, 'big'])('batch.maxBytes %j is refused under its own name', (value) => {
    const err = invalid(() => resolve({ batch: { maxBytes: value } }));
    expect(err.option).toBe('batch.maxBytes');
    expect(err.message).toContain('expected an integer >= 1024');
  });
});

describe('through a real logger and backend', () => {
  let server: FaultServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function peakInFlight(options: Record<string, unknown>): Promise<{ peak: number; lines: string[] }> {
    server = await startFaultServer();
    // Slow answers, so every batch the logger is allowed to send is in flight at once.
    server.fallback = { status: 200, delayMs: 300 };
    const lines: string[] = [];
    const log = createLogger({
      endpoint: server.endpoint,
      env: {},
      stdout: false,
      handleExit: false,
      diagnostics: (line) => lines.push(line),
      batch: { maxRecords: 10, maxDelayMs: 1 },
      ...options,
    });
    for (let i = 0; i < 100; i++) log.info('record', { i });
    await log.shutdown({ timeoutMs: 20_000 });
    expect(server.records()).toHaveLength(100);
    expect(log.stats().exported).toBe(100);
    return { peak: server.maxInFlight, lines };
  }

  it('maxConcurrentRequests: 4 puts four batches in flight, never more', async () => {
    const { peak, lines } = await peakInFlight({ maxConcurrentRequests: 4 });
    expect(peak).toBe(4);
    expect(lines.filter((l) => l.includes('deprecated'))).toEqual([]);
  }, 30_000);

  it('concurrency: 3 (deprecated) does the same, and warns once', async () => {
    const { peak, lines } = await peakInFlight({ concurrency: 3 });
    expect(peak).toBe(3);
    expect(lines.filter((l) => l.includes('deprecated'))).toEqual([
      'option concurrency is deprecated and will be removed: use maxConcurrentRequests (it bounds batches and requests in flight)',
    ]);
  }, 30_000);
});
