/**
 * `decodeLogsRequest` under random and mutated input: it returns a request or throws a
 * `DecodeError` with a short message; no other exception, no hang, no stack overflow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeLogsRequest } from '../../src/otlp/index.js';
import { deepProtobuf, jsonBodies, mutated, recordFlood, validProtobuf } from './bodies.js';

function decodesOrDecodeError(body: Uint8Array | string, type: string, maxRecords?: number): void {
  try {
    const out = decodeLogsRequest(body, type, { maxRecords });
    expect(Array.isArray(out.resourceLogs)).toBe(true);
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as Error).message.length).toBeLessThan(1000);
  }
}

describe('decodeLogsRequest fuzz', () => {
  it('random bytes as protobuf', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) =>
        decodesOrDecodeError(b, 'application/x-protobuf'),
      ),
      { numRuns: 1000 },
    );
  });

  it('mutated valid protobuf bodies', () => {
    fc.assert(
      fc.property(mutated(validProtobuf()), (b) => decodesOrDecodeError(b, 'application/x-protobuf')),
      { numRuns: 1000 },
    );
  });

  it('random, OTLP-shaped and mutated JSON bodies (text and bytes)', () => {
    fc.assert(
      fc.property(jsonBodies(), fc.boolean(), (text, asBytes) =>
        decodesOrDecodeError(asBytes ? Buffer.from(text) : text, 'application/json; charset=utf-8'),
      ),
      { numRuns: 600 },
    );
  });

  it('deep nesting is a DecodeError, not a stack overflow', () => {
    expect(() => decodeLogsRequest(deepProtobuf(3_000), 'application/x-protobuf')).toThrow(DecodeError);
    const deepJson = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${'{"arrayValue":{"values":['.repeat(5000)}${']}}'.repeat(5000)}}]}]}]}`;
    expect(() => decodeLogsRequest(deepJson, 'application/json')).toThrow(DecodeError);
  });

  it('maxRecords stops a record flood early, in both encodings', () => {
    expect(() =>
      decodeLogsRequest(recordFlood(200_000), 'application/x-protobuf', { maxRecords: 1000 }),
    ).toThrow(/more than 1000 log records/);
    const json = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${'{},'.repeat(5000)}{}]}]}]}`;
    expect(() => decodeLogsRequest(json, 'application/json', { maxRecords: 1000 })).toThrow(
      /more than 1000 log records/,
    );
    expect(
      decodeLogsRequest(recordFlood(1000), 'application/x-protobuf', { maxRecords: 1000 }).resourceLogs,
    ).toHaveLength(1);
  });
});
