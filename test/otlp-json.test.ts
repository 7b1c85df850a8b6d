import { describe, expect, it } from 'vitest';
import {
  decodeJsonRequest,
  decodeLogsRequest,
  decodeProtobufRequest,
  encodeRequest,
  protobufRequestToJson,
} from '../src/otlp/index.js';
import { encodeRecord, encodeResource, encodeScope } from '../src/record/index.js';

function sampleBody(): Uint8Array {
  const resource = encodeResource({ 'service.name': 'svc', 'process.pid': 42 });
  const scope = encodeScope('http', '1.2.3');
  const bytes = encodeRecord({
    timeUnixNano: 1_764_237_600_123_456_789n,
    observedTimeUnixNano: 1_764_237_600_123_456_999n,
    severityNumber: 13,
    severityText: 'WARN',
    body: 'slow request',
    fields: {
      big: 2n ** 62n,
      ratio: 0.25,
      ok: false,
      raw: Buffer.from([0, 1, 254]),
      nested: { list: [1, 'two', { three: 3 }] },
    },
    traceId: Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'),
    spanId: Buffer.from('1112131415161718', 'hex'),
    flags: 1,
    eventName: 'http.slow',
  });
  return encodeRequest([{ bytes, scope, resource }]);
}

describe('OTLP/JSON mapping', () => {
  it('uses lowerCamelCase keys, integer enums, hex ids, 64-bit ints as strings, bytes as base64', () => {
    const json = JSON.parse(protobufRequestToJson(sampleBody()));
    const lr = json.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(lr.timeUnixNano).toBe('1764237600123456789');
    expect(lr.observedTimeUnixNano).toBe('1764237600123456999');
    expect(lr.severityNumber).toBe(13);
    expect(lr.traceId).toBe('0102030405060708090a0b0c0d0e0f10');
    expect(lr.spanId).toBe('1112131415161718');
    expect(lr.eventName).toBe('http.slow');
    const attrs = Object.fromEntries(
      lr.attributes.map((a: { key: string; value: unknown }) => [a.key, a.value]),
    );
    expect(attrs.big).toEqual({ intValue: String(2n ** 62n) });
    expect(attrs.ratio).toEqual({ doubleValue: 0.25 });
    expect(attrs.ok).toEqual({ boolValue: false });
    expect(attrs.raw).toEqual({ bytesValue: Buffer.from([0, 1, 254]).toString('base64') });
    expect(json.resourceLogs[0].scopeLogs[0].scope).toEqual({ name: 'http', version: '1.2.3' });
  });

  it('JSON and protobuf decode to the same records', () => {
    const body = sampleBody();
    const fromProto = decodeProtobufRequest(body);
    const fromJson = decodeJsonRequest(protobufRequestToJson(body));
    expect(fromJson).toEqual(fromProto);
    expect(decodeLogsRequest(body, 'application/x-protobuf')).toEqual(fromProto);
  });

  it('rejects malformed JSON with a DecodeError naming the field', () => {
    expect(() => decodeJsonRequest('{"resourceLogs":{}}')).toThrow(/resourceLogs must be an array/);
    expect(() => decodeJsonRequest('not json')).toThrow(/malformed OTLP JSON/);
    const badId = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz"}]}]}]}';
    expect(() => decodeJsonRequest(badId)).toThrow(/traceId must be 32 hex digits/);
    expect(() => decodeLogsRequest('x', 'text/plain')).toThrow(/unsupported content-type/);
  });
});
