/**
 * Request bodies for the decoder and receiver fuzz tests: valid seeds (protobuf made by the
 * real encoder, and its OTLP/JSON transcoding), mutations of them, and hand-built worst cases
 * (record floods, deep nesting, gzip bombs).
 */
import fc from 'fast-check';
import { protobufRequestToJson } from '../../src/otlp/index.js';
import { protobufRequest } from '../cli/request-fixtures.js';

export const validProtobuf = (): Uint8Array => protobufRequest();
export const validJson = (): string => protobufRequestToJson(protobufRequest());

/** A length-prefixed protobuf field (`tagByte` is the whole one-byte tag). */
export function field(tagByte: number, body: Uint8Array): Buffer {
  const prefix: number[] = [tagByte];
  let l = body.length;
  while (l > 127) {
    prefix.push((l & 127) | 128);
    l = Math.floor(l / 128);
  }
  prefix.push(l);
  return Buffer.concat([Buffer.from(prefix), body]);
}

/** A request of `n` empty log records: 2 bytes each on the wire, ~180 bytes each decoded. */
export function recordFlood(n: number): Buffer {
  const recs = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) recs[2 * i] = 0x12;
  return field(0x0a, field(0x12, recs));
}

/** A record whose body is an AnyValue array nested `depth` times. */
export function deepProtobuf(depth: number): Buffer {
  let v: Buffer = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) v = field(0x2a, field(0x0a, v)); // AnyValue.array_value → values
  return field(0x0a, field(0x12, field(0x12, field(0x2a, v)))); // request → rl → sl → record.body
}

/** Byte-level mutations of a seed: flips, cuts, insertions, duplicated slices. */
export function mutated(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
    fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.nat(64) }),
    fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(),
      value: fc.constantFrom(0x00, 0x7f, 0x80, 0xff),
    }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let b = Buffer.from(seed);
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % b.length;
      if (e.kind === 'flip' && b.length) b[at] ^= 1 << e.bit;
      else if (e.kind === 'cut') b = b.subarray(0, at);
      else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(at)]);
      else if (e.kind === 'dup') b = Buffer.concat([b.subarray(0, at + e.len), b.subarray(at)]);
      else if (e.kind === 'set' && b.length) b[at] = e.value;
    }
    return new Uint8Array(b);
  });
}

/** JSON texts: random JSON, OTLP-shaped trees with wrong types, and mutated valid text. */
export function jsonBodies(): fc.Arbitrary<string> {
  const seed = validJson();
  const otlpKey = fc.constantFrom(
    'resourceLogs',
    'scopeLogs',
    'logRecords',
    'resource',
    'attributes',
    'key',
    'value',
    'stringValue',
    'intValue',
    'doubleValue',
    'arrayValue',
    'kvlistValue',
    'values',
    'bytesValue',
    'timeUnixNano',
    'traceId',
    'severityNumber',
    'body',
    '__proto__',
  );
  const tree = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(otlpKey, tie('v'), { maxKeys: 4 }),
      fc.array(tie('v'), { maxLength: 3 }),
    ),
  })).v;
  return fc.oneof(
    fc.json(),
    tree.map((t) => JSON.stringify({ resourceLogs: [t] })),
    tree.map((t) => JSON.stringify(t)),
    mutated(Buffer.from(seed)).map((b) => Buffer.from(b).toString('utf8')),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
}
