/**
 * Scope fidelity on the wire: scope attributes (InstrumentationScope field 3) and the schema URL
 * (ScopeLogs field 3) survive framing (both framers) and splitting, decoded by protobufjs's
 * generated OTLP types (an independent decoder).
 */
import { describe, expect, it } from 'vitest';
import { LooseRecords } from '../../src/batch/index.js';
import { decodeProtobufRequest, encodeRequest, splitRequest } from '../../src/otlp/index.js';
import { encodeRecord, encodeResource, encodeScope } from '../../src/record/index.js';
import { decodeIndependentProtobuf } from '../helpers/otlp-independent.js';

const URL_A = 'https://opentelemetry.io/schemas/1.30.0';
const resource = encodeResource({ 'service.name': 'svc' });
const withUrl = encodeScope('lib', '1.0', { attributes: { team: 'pay', shard: 2 }, schemaUrl: URL_A });
const plain = encodeScope('lib', '1.0');

function record(scope: typeof plain, body: string) {
  return {
    bytes: encodeRecord({
      severityNumber: 9,
      severityText: 'INFO',
      body,
      timeUnixNano: 1n,
      observedTimeUnixNano: 1n,
    }),
    scope,
    resource,
  };
}

describe('scope attributes and schema URL', () => {
  it('frame, split and decode (podlog and an independent decoder)', () => {
    const body = encodeRequest([record(withUrl, 'a'), record(withUrl, 'b'), record(plain, 'c')]);
    const ours = decodeProtobufRequest(body, { ints: 'number' });
    expect(
      ours.resourceLogs[0].scopeLogs.map((sl) => [sl.scope, sl.schemaUrl, sl.logRecords.map((r) => r.body)]),
    ).toEqual([
      [{ name: 'lib', version: '1.0', attributes: { team: 'pay', shard: 2 } }, URL_A, ['a', 'b']],
      [{ name: 'lib', version: '1.0', attributes: {} }, '', ['c']],
    ]);
    const independent = decodeIndependentProtobuf(body) as {
      resourceLogs: Array<{ scopeLogs: Array<{ schemaUrl: string; scope: { attributes: unknown[] } }> }>;
    };
    expect(independent.resourceLogs[0].scopeLogs[0].schemaUrl).toBe(URL_A);
    expect(independent.resourceLogs[0].scopeLogs[0].scope.attributes).toHaveLength(2);
    const halves = splitRequest(body);
    expect(halves).toHaveLength(2);
    const first = decodeProtobufRequest(halves![0].body).resourceLogs[0].scopeLogs[0];
    expect([first.schemaUrl, first.scope.attributes]).toEqual([URL_A, { team: 'pay', shard: 2n }]);
  });

  it('the one-scope fast path of the batch buffer writes the schema URL too', () => {
    const loose = new LooseRecords(64 * 1024);
    for (const b of ['x', 'y']) {
      const r = record(withUrl, b);
      loose.push(r, r.bytes.length + 2);
    }
    const body = loose.frame((n) => new Uint8Array(n))?.body ?? new Uint8Array(0);
    const sl = decodeProtobufRequest(body).resourceLogs[0].scopeLogs;
    expect(sl.map((s) => [s.schemaUrl, s.logRecords.map((r) => r.body)])).toEqual([[URL_A, ['x', 'y']]]);
  });
});
