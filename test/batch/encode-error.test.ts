/**
 * A record podlog cannot turn into bytes is lost, but never silently: it is counted
 * (`accepted` and `dropped.encode_error`), so the invariant holds and `stats()` shows it.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { createDiag } from '../../src/diag.js';
import {
  createLoggerFromConfig,
  emitRecord,
  LevelRegistry,
  type LoggerCore,
  LoggerState,
  OtelParts,
  withStdoutMirror,
} from '../../src/logger/index.js';
import type { EncodedRecord, EncodedResource } from '../../src/record/index.js';
import { encodeScope } from '../../src/record/index.js';
import { expectInvariant, rec, resource, scope } from './fakes.js';
import { setup } from './harness.js';

/** A resource whose bytes cannot be read: framing the batch that holds it throws. */
const brokenResource = {
  attributes: {},
  get bytes(): Uint8Array {
    throw new Error('unreadable resource');
  },
} as EncodedResource;

describe('encode_error', () => {
  it('a batch that cannot be framed: its records are counted, and later records still go out', async () => {
    const { sink, exporter } = setup();
    sink.write(rec('fine, but in the same batch'));
    sink.write({ ...rec('broken'), resource: brokenResource });
    await sink.flush();
    let s = sink.stats();
    expect(s.dropped).toMatchObject({ encode_error: 2, total: 2 });
    expect(s.queue).toMatchObject({ records: 0, bytes: 0 });
    expectInvariant(s);
    sink.write(rec('after'));
    await sink.flush();
    await sink.flush(); // the drop summary, written once an export delivered
    expect(exporter.delivered).toEqual(['after', 'podlog dropped 2 records (encode_error: 2)']);
    s = sink.stats();
    expect(s).toMatchObject({ accepted: 4, exported: 2, queued: 0 });
    expectInvariant(s);
    await sink.shutdown();
  });

  it('a record that cannot even be queued: write() does not throw, the record is counted', async () => {
    const { sink } = setup();
    const hostile = {
      scope,
      resource,
      bytes: new Proxy(new Uint8Array(4), {
        get() {
          throw new Error('no');
        },
      }),
    } as EncodedRecord;
    expect(() => sink.write(hostile)).not.toThrow();
    const s = sink.stats();
    expect(s).toMatchObject({ accepted: 1, queued: 0 });
    expect(s.dropped.encode_error).toBe(1);
    expectInvariant(s);
    await sink.shutdown();
  });

  function coreWith(sink: LoggerCore['sink'], errors: unknown[]): LoggerCore {
    const config = resolveConfig({ endpoint: 'http://127.0.0.1:9/v1/logs' });
    return {
      sink,
      otel: new OtelParts(() => {
        throw new Error('resource detection broke');
      }),
      onError: (err) => errors.push(err),
      levels: new LevelRegistry(
        { base: config.level, named: config.levels },
        () => {},
        createDiag({ sink: false }),
      ),
      limits: config.record.limits,
      redactor: config.record.redactor,
      spanContext: () => undefined,
      facade: config.facade,
    };
  }

  for (const mirrored of [false, true]) {
    it(`a log call whose record cannot be built is counted by the sink${mirrored ? ' (through the stdout mirror)' : ''}`, async () => {
      const { sink } = setup();
      const diag = createDiag({ sink: false });
      const errors: unknown[] = [];
      const facing = mirrored ? withStdoutMirror(sink, 'json', diag, () => {}) : sink;
      const state = new LoggerState(coreWith(facing, errors), encodeScope('app'));
      emitRecord(state, undefined, 9, 'INFO', 'lost', undefined, undefined);
      expect(errors).toHaveLength(1);
      const s = facing.stats();
      expect(s).toMatchObject({ accepted: 1, exported: 0, queued: 0 });
      expect(s.dropped.encode_error).toBe(1);
      expectInvariant(s);
      await sink.shutdown();
    });
  }

  it('is listed in stats() of a real logger', async () => {
    const log = createLoggerFromConfig(
      resolveConfig({ endpoint: 'http://127.0.0.1:9/v1/logs', diagnostics: false, handleExit: false }),
    );
    expect(log.stats().dropped.encode_error).toBe(0);
    await log.shutdown({ timeoutMs: 0 });
  });
});
