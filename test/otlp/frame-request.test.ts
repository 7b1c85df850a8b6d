import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRequest, Writer } from '../../src/otlp/index.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../../src/record/index.js';

const resources: EncodedResource[] = [
  { attributes: {}, bytes: new Uint8Array(0) },
  { attributes: {}, bytes: new Uint8Array(300).fill(7) },
];
const scopes: EncodedScope[] = [
  { name: '', version: '', bytes: new Uint8Array(0) },
  { name: 'a', version: '', bytes: new Uint8Array([10, 1, 97]) },
  { name: 'big', version: '', bytes: new Uint8Array(200).fill(1) },
];

/** The framing written the plain way, with protobufjs's forking Writer: the reference. */
function reference(records: readonly EncodedRecord[]): Uint8Array {
  const order: EncodedResource[] = [];
  const byResource = new Map<EncodedResource, Map<EncodedScope, EncodedRecord[]>>();
  for (const r of records) {
    if (!byResource.has(r.resource)) {
      byResource.set(r.resource, new Map());
      order.push(r.resource);
    }
    const scopesOf = byResource.get(r.resource)!;
    if (!scopesOf.has(r.scope)) scopesOf.set(r.scope, []);
    scopesOf.get(r.scope)!.push(r);
  }
  const w = Writer.create();
  for (const resource of order) {
    w.uint32(10).fork(); // ExportLogsServiceRequest.resource_logs = 1
    w.uint32(10).bytes(resource.bytes); // ResourceLogs.resource = 1
    for (const [scope, list] of byResource.get(resource)!) {
      w.uint32(18).fork(); // ResourceLogs.scope_logs = 2
      w.uint32(10).bytes(scope.bytes); // ScopeLogs.scope = 1
      for (const r of list) w.uint32(18).bytes(r.bytes); // ScopeLogs.log_records = 2
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}

describe('encodeRequest', () => {
  it('matches the reference framing for any mix of resources, scopes and record sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ r: fc.nat(1), s: fc.nat(2), size: fc.nat(20_000) }), { maxLength: 60 }),
        (specs) => {
          const records: EncodedRecord[] = specs.map(({ r, s, size }, i) => ({
            bytes: new Uint8Array(size).fill(i & 0xff),
            resource: resources[r]!,
            scope: scopes[s]!,
          }));
          const framed = encodeRequest(records);
          expect(Buffer.from(framed).equals(Buffer.from(reference(records)))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes into the buffer the caller allocates, exactly its size', () => {
    const backing = new ArrayBuffer(4096);
    const records: EncodedRecord[] = [
      { bytes: new Uint8Array(100), resource: resources[0]!, scope: scopes[1]! },
    ];
    const body = encodeRequest(records, (n) => new Uint8Array(backing, 0, n));
    expect(body.buffer).toBe(backing);
    expect(Buffer.from(body).equals(Buffer.from(reference(records)))).toBe(true);
  });
});
