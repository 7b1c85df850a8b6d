/**
 * Conformance and property tests: records made by the real facade decode identically with
 * podlog's decoder and with the independent protobufjs code generated from the official protos
 * (@opentelemetry/otlp-transformer 0.52.1), and no input makes a log call throw.
 *
 * The 0.52.1 protos predate `LogRecord.event_name` (field 12): that decoder skips it as an
 * unknown field, which is itself the compatibility property we want for older backends.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedLogRecord, OtlpValue } from '../../src/otlp/index.js';
import { decodeProtobufRequest, encodeRequest } from '../../src/otlp/index.js';
import { captureLogger } from '../helpers/record-capture.js';

const require = createRequire(import.meta.url);
const transformerMain = require.resolve('@opentelemetry/otlp-transformer');
const root = require(join(dirname(transformerMain), 'generated', 'root.js'));
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

interface Long {
  low: number;
  high: number;
}
type GenAnyValue = Record<string, unknown> & { value?: string };

function long(v: unknown, signed: boolean): bigint {
  if (typeof v === 'number') return BigInt(v);
  const l = v as Long;
  const u = (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
  return signed ? BigInt.asIntN(64, u) : u;
}

function fromGenerated(v: GenAnyValue | null | undefined): OtlpValue {
  if (!v?.value) return null;
  switch (v.value) {
    case 'stringValue':
      return v.stringValue as string;
    case 'boolValue':
      return v.boolValue as boolean;
    case 'intValue':
      return long(v.intValue, true);
    case 'doubleValue':
      return v.doubleValue as number;
    case 'bytesValue':
      return new Uint8Array(v.bytesValue as Uint8Array);
    case 'arrayValue':
      return ((v.arrayValue as { values?: GenAnyValue[] }).values ?? []).map(fromGenerated);
    case 'kvlistValue':
      return kv((v.kvlistValue as { values?: Array<{ key: string; value: GenAnyValue }> }).values ?? []);
  }
  throw new Error(`unexpected AnyValue field ${v.value}`);
}

function kv(list: Array<{ key: string; value: GenAnyValue }>): { [k: string]: OtlpValue } {
  const out: { [k: string]: OtlpValue } = {};
  for (const { key, value } of list) {
    Object.defineProperty(out, key, {
      value: fromGenerated(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function hex(b: Uint8Array | undefined): string {
  return b?.length ? Buffer.from(b).toString('hex') : '';
}

/** Decodes one request with both decoders and checks every field of every record agrees. */
function decodeBoth(body: Uint8Array): DecodedLogRecord[] {
  const ours = decodeProtobufRequest(body, { ints: 'bigint' });
  const theirs = ExportLogsServiceRequest.decode(body);
  const ourRecords = ours.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
  const theirRecords = theirs.resourceLogs.flatMap((rl: { scopeLogs: Array<{ logRecords: unknown[] }> }) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords),
  ) as Array<Record<string, unknown>>;
  expect(theirRecords).toHaveLength(ourRecords.length);
  ourRecords.forEach((o, i) => {
    const t = theirRecords[i];
    expect(long(t.timeUnixNano, false)).toBe(o.timeUnixNano);
    expect(long(t.observedTimeUnixNano, false)).toBe(o.observedTimeUnixNano);
    expect(t.severityNumber ?? 0).toBe(o.severityNumber);
    expect(t.severityText ?? '').toBe(o.severityText);
    expect(t.body ? fromGenerated(t.body as GenAnyValue) : undefined).toEqual(o.body);
    expect(kv((t.attributes as Array<{ key: string; value: GenAnyValue }>) ?? [])).toEqual(o.attributes);
    expect(t.droppedAttributesCount ?? 0).toBe(o.droppedAttributesCount);
    expect(t.flags ?? 0).toBe(o.flags);
    expect(hex(t.traceId as Uint8Array)).toBe(o.traceId);
    expect(hex(t.spanId as Uint8Array)).toBe(o.spanId);
  });
  return ourRecords;
}

describe('conformance with the generated OTLP decoder', () => {
  it('agrees field by field on a rich record (64-bit times, severity, nested attributes, exception)', () => {
    const { log, sink } = captureLogger({ level: 'trace', name: 'conf' });
    const child = log.child({ service: 'svc', ids: [1, 2n ** 62n] });
    child.error(Object.assign(new Error('boom', { cause: new TypeError('inner') }), { code: 'E1' }), {
      nested: { a: [1.5, 'x', true, null, Buffer.from([0, 255])], m: new Map([['k', new Set([1])]]) },
      neg: -(2 ** 40),
      big: -(2n ** 63n),
      when: new Date(0),
      secretKey: 'redacted',
      long: 'é'.repeat(300),
    });
    log.event('order.placed', { id: 1 });
    const records = decodeBoth(encodeRequest(sink.records));
    expect(records).toHaveLength(2);
    expect(records[0].attributes.neg).toBe(-(2n ** 40n));
    expect(records[1].eventName).toBe('order.placed');
  });
});

/**
 * Values that are hostile to serializers. fast-check inspects what it generates (and would trip
 * over a revoked Proxy itself), so it generates a recipe and the property builds the value.
 */
class Hostile {
  constructor(readonly make: () => unknown) {}
}
const hostileMakers: Array<() => unknown> = [
  () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    o.list = [o, { back: o }];
    return o;
  },
  () => {
    const { proxy, revoke } = Proxy.revocable({ x: 1 }, {});
    revoke();
    return proxy;
  },
  () =>
    Object.defineProperty({}, 'g', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    }),
  () =>
    new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('ownKeys');
        },
        getPrototypeOf() {
          throw new Error('proto');
        },
      },
    ),
  () => ({
    toJSON() {
      throw new Error('toJSON');
    },
  }),
  () => Object.assign(new Error('m'), { code: 'E', cause: new Error('c') }),
  () => new AggregateError([new Error('a'), 'b'], 'agg'),
  () => JSON.parse('{"__proto__":{"polluted":1}}'),
];
const hostile = fc.oneof(
  fc.constantFrom(...hostileMakers).map((make) => new Hostile(make)),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.bigInt(),
  fc.double(),
);

/** Builds the hostile values a generated structure refers to. */
function materialize(v: unknown): unknown {
  if (v instanceof Hostile) return v.make();
  if (Array.isArray(v) && v.some((x) => x instanceof Hostile)) return v.map(materialize);
  return v;
}

const anyValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({
      withBigInt: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withSparseArray: true,
      maxDepth: 4,
    }),
  },
  { weight: 2, arbitrary: hostile },
  { weight: 1, arbitrary: fc.array(hostile, { maxLength: 3 }) },
);

const fieldsArb = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), anyValue, { maxKeys: 8 });

describe('property: a log call never throws and always yields a decodable record', () => {
  it('for arbitrary fields, bodies and argument orders', () => {
    const { log, sink } = captureLogger({
      level: 'trace',
      limits: { maxDepth: 4, maxStringLength: 64, maxAttributes: 6 },
    });
    fc.assert(
      fc.property(
        anyValue,
        fieldsArb,
        fc.nat(3),
        fc.constantFrom('trace', 'info', 'fatal' as const),
        (first, fields, form, level) => {
          const before = sink.records.length;
          first = materialize(first);
          for (const k of Object.keys(fields)) fields[k] = materialize(fields[k]);
          const call = log[level] as (a: unknown, b?: unknown) => void;
          expect(() => {
            if (form === 0) call(first, fields);
            else if (form === 1) call(fields, first);
            else if (form === 2) call(first);
            else log.child(fields).event('e', first as Record<string, unknown>);
          }).not.toThrow();
          expect(sink.records.length).toBe(before + 1);
          decodeBoth(encodeRequest([sink.records.at(-1)!]));
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 400 },
    );
  });

  it('JSON-like values round-trip exactly (model: safe ints → int64, other numbers → double)', () => {
    const { log, sink } = captureLogger({ redact: false, limits: { maxDepth: 64, maxAttributes: 4096 } });
    const wellFormed = (s: string) =>
      s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    const model = (v: unknown): OtlpValue => {
      if (v === null) return null;
      if (typeof v === 'string') return wellFormed(v);
      if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
      if (typeof v === 'boolean') return v;
      if (Array.isArray(v)) return v.map(model);
      const out: { [k: string]: OtlpValue } = {};
      for (const k of Object.keys(v as object)) {
        Object.defineProperty(out, wellFormed(k), {
          value: model((v as Record<string, unknown>)[k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    };
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 6 }), { maxKeys: 6 }), (fields) => {
        log.info('m', fields);
        const [r] = decodeBoth(encodeRequest([sink.records.at(-1)!]));
        expect(r.attributes).toEqual(model(fields));
      }),
      { numRuns: 300 },
    );
  });
});
