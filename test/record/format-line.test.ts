import { describe, expect, it } from 'vitest';
import { decodeLogRecord } from '../../src/otlp/index.js';
import {
  encodeRecord,
  formatJsonLine,
  formatPrettyLine,
  MAX_LINE_BYTES,
  type RecordInput,
} from '../../src/record/index.js';

function record(extra: Partial<RecordInput>) {
  return decodeLogRecord(
    encodeRecord({
      timeUnixNano: 1_764_237_600_123_456_789n,
      observedTimeUnixNano: 1_764_237_600_123_456_789n,
      severityNumber: 13,
      severityText: 'WARN',
      ...extra,
    }),
  );
}

describe('JSON line', () => {
  it('is one flat JSON object per line with time, level, logger, msg, ids and attributes', () => {
    const line = formatJsonLine(
      record({
        body: 'slow',
        fields: { ms: 1200, big: 2n ** 60n, raw: Buffer.from('hi'), msg: 'clash', nested: { a: [1] } },
        traceId: '0102030405060708090a0b0c0d0e0f10',
        spanId: '1112131415161718',
        eventName: 'http.slow',
      }),
      'http',
    );
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({
      time: '2025-11-27T10:00:00.123Z',
      level: 'warn',
      severity: 13,
      logger: 'http',
      msg: 'slow',
      event: 'http.slow',
      trace_id: '0102030405060708090a0b0c0d0e0f10',
      span_id: '1112131415161718',
      ms: 1200,
      big: String(2n ** 60n),
      raw: Buffer.from('hi').toString('base64'),
      'attr.msg': 'clash',
      nested: { a: [1] },
    });
  });

  it('keeps every line under 16 KiB, shortening values and saying so', () => {
    for (const fields of [
      { a: 'x'.repeat(15_000), b: 'é'.repeat(5000) },
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'y'.repeat(1000)])),
    ]) {
      const line = formatJsonLine(record({ body: 'm'.repeat(16_000), fields }), '');
      expect(Buffer.byteLength(line)).toBeLessThan(MAX_LINE_BYTES);
      const o = JSON.parse(line);
      expect(o['podlog.truncated']).toBe(true);
      expect(o.level).toBe('warn');
    }
  });

  it('a __proto__ attribute stays data', () => {
    const line = formatJsonLine(record({ fields: JSON.parse('{"__proto__": {"polluted": 1}}') }), '');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(line).toContain('"__proto__":{"polluted":1}');
  });
});

describe('pretty line', () => {
  it('shows time, level, logger, body, attributes and the stack on following lines', () => {
    const line = formatPrettyLine(
      record({ body: 'failed', fields: { id: 7 }, exception: new Error('boom') }),
      'db',
      false,
    );
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[db\] failed /);
    expect(line).toContain('id=7');
    expect(line).toContain('exception.message="boom"');
    expect(line).toContain('\n    Error: boom');
    expect(formatPrettyLine(record({ body: 'x' }), '', true)).toContain('\x1b[33m');
  });
});
