/**
 * Hostile input at the log call (complements test/record/conformance.test.ts, which uses small
 * limits and fast-check's generic values): here the limits are the defaults and the values are
 * built to hurt: huge strings, arrays and typed arrays, sparse arrays of length 2^32-1, chains
 * 20,000 deep, 100 KB keys, cycles, Proxies whose every trap throws, revoked Proxies, throwing
 * getters/toJSON/toPrimitive, re-entrant logging, lone surrogates, prototype-pollution keys.
 *
 * For every call: no throw, exactly the expected records, a bounded record size, a request that
 * the independent decoder (@opentelemetry/otlp-transformer 0.52.1) reads and re-encodes to the
 * same bytes (so every string is valid UTF-8), a bounded and parsable stdout line, and the
 * built-in prototypes unchanged.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordSink } from '../../src/batch/index.js';
import { resolveConfig } from '../../src/config/index.js';
import { silentDiag } from '../../src/diag.js';
import type { Logger } from '../../src/logger/index.js';
import { buildLogger, withStdoutMirror } from '../../src/logger/index.js';
import { encodeRequest, LEN, Reader } from '../../src/otlp/index.js';
import type { EncodedRecord } from '../../src/record/index.js';
import { MAX_LINE_BYTES, MAX_VALUE_BYTES } from '../../src/record/index.js';
import { createCapture } from '../helpers/record-capture.js';
import { build, nastyString, prototypeSnapshot, type Recipe, recipe } from './hostile-values.js';

const require = createRequire(import.meta.url);
const root = require(
  join(dirname(require.resolve('@opentelemetry/otlp-transformer')), 'generated', 'root.js'),
);
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

const MAX_STRING = 16 * 1024; // the default limits.maxStringLength
/**
 * What one record may weigh with default limits (see MAX_VALUE_BYTES): the value budget (body,
 * bindings, exception and fields together), plus the item that crossed it (a key or a string,
 * 3 bytes per UTF-16 unit at most; both, to be safe), plus fixed fields (an event name is
 * another string), markers and framing.
 */
const RECORD_BOUND = MAX_VALUE_BYTES + 2 * 3 * MAX_STRING + 64 * 1024;

/**
 * `copying`: the sink copies each record's bytes and says so (`copiesBytes`, like the real
 * pipeline), so the facade hands it views of scratch memory that the next call reuses.
 */
function setup(format: 'json' | 'pretty', copying = false) {
  const capture = createCapture();
  const lines: string[] = [];
  const inner: RecordSink<EncodedRecord> = copying
    ? {
        ...capture,
        copiesBytes: true,
        write: (r) => capture.write({ ...r, bytes: r.bytes.slice() }),
      }
    : capture;
  const sink = withStdoutMirror(inner, format, silentDiag, (line) => lines.push(line), false);
  const log = buildLogger(resolveConfig({ env: {}, stdout: false, level: 'trace' }), sink, silentDiag);
  return { log, capture, lines };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The 0.52.1 protos predate `LogRecord.event_name` (12): the generated decoder drops it. Check
 * that field's UTF-8 here and strip it, so the rest can be compared byte for byte.
 */
function withoutEventName(bytes: Uint8Array): Uint8Array {
  const r = Reader.create(bytes);
  const kept: Uint8Array[] = [];
  while (r.pos < r.len) {
    const start = r.pos;
    const t = r.uint32();
    if (t >>> 3 === 12 && (t & 7) === LEN) {
      expect(() => strictUtf8.decode(r.bytes())).not.toThrow();
      continue;
    }
    r.skipType(t & 7);
    kept.push(bytes.subarray(start, r.pos));
  }
  return Buffer.concat(kept);
}

/**
 * Decodes with the generated decoder and re-encodes: equal bytes mean a well-formed request
 * whose strings are all valid UTF-8 (an invalid sequence would not survive the round trip).
 */
function independentRoundTrip(records: readonly EncodedRecord[]): void {
  const body = encodeRequest(records.map((r) => ({ ...r, bytes: withoutEventName(r.bytes) })));
  const decoded = ExportLogsServiceRequest.decode(body);
  const again: Uint8Array = ExportLogsServiceRequest.encode(decoded).finish();
  expect(Buffer.from(again).equals(Buffer.from(body))).toBe(true);
}

type Form = 'msgFields' | 'fieldsMsg' | 'errorFirst' | 'child' | 'event' | 'bodyOnly';
const forms: Form[] = ['msgFields', 'fieldsMsg', 'errorFirst', 'child', 'event', 'bodyOnly'];

type AnyLog = (x: unknown, y?: unknown) => void;

function call(log: Logger, form: Form, a: unknown, b: unknown, name: unknown): void {
  if (form === 'msgFields') (log.info as AnyLog)(a, b);
  else if (form === 'fieldsMsg') (log.info as AnyLog)(b, a);
  else if (form === 'errorFirst') (log.error as AnyLog)(new Error('e'), b);
  else if (form === 'child') (log.child(a as Record<string, unknown>).warn as AnyLog)('m', b);
  else if (form === 'event') log.event(name as string, b as Record<string, unknown>);
  else (log.info as AnyLog)(a);
}

const fieldsRecipe = fc.oneof(
  recipe,
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'password'), nastyString), recipe), {
      maxLength: 5,
    })
    .map((entries): Recipe => ({ t: 'obj', entries, nullProto: false })),
);

describe('hostile values at the log call (default limits)', () => {
  for (const format of ['json', 'pretty'] as const) {
    // json: records in memory the facade reuses (the pipeline's way); pretty: fresh bytes.
    it(`never throws, bounds the record, stays valid OTLP, never pollutes (stdout ${format})`, () => {
      const { log, capture, lines } = setup(format, format === 'json');
      const protos = prototypeSnapshot();
      fc.assert(
        fc.property(
          fc.constantFrom(...forms),
          recipe,
          fieldsRecipe,
          fc.oneof(
            nastyString,
            fc.constantFrom<unknown>(
              123,
              { toString: () => 'x'.repeat(100_000) },
              {
                toString: () => {
                  throw new Error('hostile name');
                },
              },
            ),
          ),
          (form, aRecipe, bRecipe, name) => {
            let reentrant = 0;
            const again = () => {
              reentrant++;
              log.info('re-entrant', { depth: reentrant });
            };
            const a = build(aRecipe, again);
            const b = build(bRecipe, again);
            const before = capture.records.length;
            const linesBefore = lines.length;
            expect(() => call(log, form, a, b, name)).not.toThrow();
            const added = capture.records.slice(before);
            expect(added.length).toBeGreaterThanOrEqual(1);
            expect(added.length).toBe(1 + reentrant);
            for (const rec of added) {
              expect(rec.bytes.length).toBeLessThanOrEqual(RECORD_BOUND);
            }
            independentRoundTrip(added);
            for (const line of lines.slice(linesBefore)) {
              expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
              if (format === 'json') expect(() => JSON.parse(line)).not.toThrow();
            }
            expect(prototypeSnapshot()).toBe(protos);
            expect(({} as Record<string, unknown>).polluted).toBeUndefined();
            expect(Object.getPrototypeOf({})).toBe(Object.prototype);
            capture.records.length = 0;
            lines.length = 0;
          },
        ),
        { numRuns: 60 },
      );
    }, 60_000);
  }

  it("a child's bindings share the record's value budget (they were once outside it)", () => {
    const { log, capture } = setup('json');
    // A generated case that once made a 3 MiB record: the bindings object reaches a large
    // array under three keys (itself, its list), and each binding had a budget of its own.
    const cyclic: Record<string, unknown> = { inner: new Float64Array(405_309).fill(Math.PI) };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, { back: cyclic }];
    const big = () => Array.from({ length: 200_000 }, (_, i) => `v${i}`);
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [cyclic, { b: 1 }],
      [{ a: big(), b: big(), c: big() }, { f: 1 }],
      // Bindings within their own budget, then a call whose fields fill the record's.
      [
        { a: 'x'.repeat(16_000), b: big() },
        { f: big(), g: '\ud800'.repeat(20_000) },
      ],
    ];
    for (const [bindings, fields] of cases) {
      const child = log.child(bindings);
      child.warn('m', fields);
      child.child({ more: big() }).warn('m', fields);
      for (const rec of capture.records.splice(0)) {
        expect(rec.bytes.length).toBeLessThanOrEqual(RECORD_BOUND);
      }
      child.warn('m', fields);
      expect(capture.last().attributes['podlog.truncated']).toBe(true);
      capture.records.length = 0;
    }
  });

  it('the worst single values finish quickly and are marked truncated, not dropped', () => {
    const { log, capture } = setup('json');
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    const worst: unknown[] = [
      sparse,
      new Float64Array(5_000_000),
      Array.from({ length: 1_000_000 }, (_, i) => i),
      Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, 'v'.repeat(100)])),
      { ['k'.repeat(5_000_000)]: 1 },
      Buffer.alloc(50 * 1024 * 1024),
      'x'.repeat(20_000_000),
    ];
    for (const v of worst) {
      const before = capture.records.length;
      expect(() => log.info('worst', { v, after: 'kept' })).not.toThrow();
      expect(capture.records.length).toBe(before + 1);
      const rec = capture.records.at(-1)!;
      expect(rec.bytes.length).toBeLessThanOrEqual(RECORD_BOUND);
      const decoded = capture.last();
      expect(decoded.attributes['podlog.truncated']).toBe(true);
      expect(decoded.body).toBe('worst');
    }
  }, 60_000);
});
