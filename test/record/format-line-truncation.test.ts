/**
 * The stdout JSON line under its 16 KiB cap: long values are shortened with a marker, every
 * attribute key stays (a huge value must not take the small ones with it).
 */
import { describe, expect, it } from 'vitest';
import { decodeLogRecord } from '../../src/otlp/index.js';
import {
  DEFAULT_VALUE_LIMITS,
  encodeRecord,
  formatJsonLine,
  formatPrettyLine,
  MAX_LINE_BYTES,
} from '../../src/record/index.js';

function line(fields: Record<string, unknown>, body: unknown = 'request done') {
  const bytes = encodeRecord(
    {
      timeUnixNano: 1_764_237_600_123_456_789n,
      observedTimeUnixNano: 1_764_237_600_123_456_789n,
      severityNumber: 9,
      severityText: 'INFO',
      body,
      fields,
    },
    { ...DEFAULT_VALUE_LIMITS, maxAttributes: 4096 },
  );
  const text = formatJsonLine(decodeLogRecord(bytes), 'http');
  expect(Buffer.byteLength(text)).toBeLessThan(MAX_LINE_BYTES);
  expect(text.indexOf('\n')).toBe(text.length - 1);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('JSON line truncation keeps every key', () => {
  it('one huge array does not take the small attributes with it', () => {
    const o = line({ userId: 42, route: '/api/orders', ids: Array.from({ length: 5000 }, (_, i) => i) });
    expect(o).toMatchObject({
      msg: 'request done',
      userId: 42,
      route: '/api/orders',
      'podlog.truncated': true,
    });
    const ids = o.ids as unknown[];
    expect(ids.slice(0, 3)).toEqual([0, 1, 2]);
    expect(ids[ids.length - 1]).toMatch(/^…\+\d+ items$/);
    expect(ids.length).toBeLessThan(5000);
  });

  it('many long strings are each cut with a marker; short ones stay whole', () => {
    const fields: Record<string, unknown> = { status: 200 };
    for (let i = 0; i < 100; i++) fields[`k${i}`] = `${i}:${'y'.repeat(2000)}`;
    const o = line(fields, 'm'.repeat(16_000));
    expect(Object.keys(o)).toEqual(expect.arrayContaining(Object.keys(fields)));
    expect(o.status).toBe(200);
    expect(o.k7).toMatch(/^7:y+…$/);
    expect(o.msg).toMatch(/^m+…$/);
    expect(o['podlog.truncated']).toBe(true);
  });

  it('a wide nested object is cut to its first keys plus a count', () => {
    const wide = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}`, `value-${i}`]));
    const o = line({ userId: 7, wide });
    expect(o.userId).toBe(7);
    const shown = o.wide as Record<string, unknown>;
    expect(shown.f0).toBe('value-0');
    expect(shown['…']).toMatch(/^\+\d+ keys$/);
  });

  it('1,000 attributes all stay (values emptied if needed); a line that fits is not marked', () => {
    const fields = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`a${i}`, 'z'.repeat(40)]));
    const o = line(fields);
    for (const key of Object.keys(fields)) expect(o).toHaveProperty(key);
    expect(o['podlog.truncated']).toBe(true);
    expect(line({ small: 1 })).not.toHaveProperty('podlog.truncated');
  });

  it('only when the keys alone overflow are the last ones left out, and counted', () => {
    const fields = Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`attribute-number-${i}`, i]));
    const o = line(fields);
    const kept = Object.keys(o).filter((k) => k.startsWith('attribute-number-')).length;
    expect(kept).toBeGreaterThan(100);
    expect(kept + (o['podlog.omitted_attributes'] as number)).toBe(4000);
    expect(o['attribute-number-0']).toBe(0);
  });
});

describe('pretty line truncation keeps every key', () => {
  it('a long array does not push the later attributes off the line', () => {
    const bytes = encodeRecord({
      timeUnixNano: 1_764_237_600_123_456_789n,
      observedTimeUnixNano: 1_764_237_600_123_456_789n,
      severityNumber: 9,
      severityText: 'INFO',
      body: 'request done',
      fields: { ids: Array.from({ length: 3000 }, (_, i) => i), note: 'n'.repeat(3000), userId: 42 },
    });
    const text = formatPrettyLine(decodeLogRecord(bytes), 'http', false);
    expect(text.length).toBeLessThanOrEqual(MAX_LINE_BYTES / 4 + 2);
    expect(text).toContain(' userId=42');
    expect(text).toMatch(/ ids=\[0,1,2,.*"…\+\d+ items"\]/);
    expect(text).toMatch(/ note="n+…"/);
  });
});
