import { describe, expect, it } from 'vitest';
import { resolveBatchOptions, resolvePipelineOptions } from '../../src/batch/index.js';
import { InvalidOptionError } from '../../src/errors.js';

describe('batch stage options', () => {
  it('defaults: 2048 records / 1 MiB / 1 s batches; 1,000,000 records / 32 MiB queue; concurrency 2; exit handling on', () => {
    expect(resolveBatchOptions(undefined)).toEqual({ maxRecords: 2048, maxBytes: 1 << 20, maxDelayMs: 1000 });
    expect(resolvePipelineOptions({})).toEqual({
      queue: { maxRecords: 1_000_000, maxBytes: 32 << 20 },
      overflow: undefined,
      concurrency: 2,
      handleExit: true,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('batches are cut at 1 MiB, or at maxRequestBytes when lower; concurrency is maxConcurrentRequests', () => {
    expect(resolveBatchOptions(undefined, {}, 4 << 20).maxBytes).toBe(1 << 20);
    expect(resolveBatchOptions(undefined, {}, 64 * 1024).maxBytes).toBe(64 * 1024);
    expect(resolvePipelineOptions({}, {}, undefined, 5).concurrency).toBe(5);
  });

  it('reads the OTEL_BLRP_* env vars; code wins over env', () => {
    const env = {
      OTEL_BLRP_MAX_QUEUE_SIZE: '5000',
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '100',
      OTEL_BLRP_SCHEDULE_DELAY: '250',
    };
    expect(resolveBatchOptions(undefined, env)).toMatchObject({ maxRecords: 100, maxDelayMs: 250 });
    expect(resolvePipelineOptions({}, env).queue.maxRecords).toBe(5000);
    expect(resolvePipelineOptions({ queue: { maxRecords: 7 } }, env).queue.maxRecords).toBe(7);
    expect(resolveBatchOptions({ maxRecords: 9 }, env).maxRecords).toBe(9);
  });

  it.each([
    [{ queue: { maxRecords: 0 } }, 'queue.maxRecords'],
    [{ queue: { maxBytes: 100 } }, 'queue.maxBytes'],
    [{ queue: 5 }, 'queue'],
    [{ overflow: 'drop-all' }, 'overflow'],
    [{ handleExit: 'yes' }, 'handleExit'],
    [{ shutdownTimeoutMs: -1 }, 'shutdownTimeoutMs'],
  ])('rejects %j naming %s', (options, option) => {
    const err = (() => {
      try {
        resolvePipelineOptions(options as never);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).option).toBe(option);
  });

  it('rejects a bad env value naming the variable', () => {
    expect(() => resolvePipelineOptions({}, { OTEL_BLRP_MAX_QUEUE_SIZE: 'many' })).toThrow(
      /OTEL_BLRP_MAX_QUEUE_SIZE/,
    );
    expect(() => resolveBatchOptions(undefined, { OTEL_BLRP_SCHEDULE_DELAY: '-5' })).toThrow(
      /OTEL_BLRP_SCHEDULE_DELAY/,
    );
  });
});
