import { describe, expect, it } from 'vitest';
import { decodeLogRecord } from '../../src/otlp/index.js';
import { encodeRecord, formatPrettyLine, levelOfSeverity } from '../../src/record/index.js';
import { levelOf } from '../../src/testing/index.js';

// The OTel logs data model's ranges: 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL.
const RANGES: ReadonlyArray<readonly [from: number, to: number, level: string]> = [
  [1, 4, 'trace'],
  [5, 8, 'debug'],
  [9, 12, 'info'],
  [13, 16, 'warn'],
  [17, 20, 'error'],
  [21, 24, 'fatal'],
];

describe('levelOfSeverity: one rule for the severity ranges', () => {
  it('maps every number of each range, both ends included, to its level; above 24 to fatal; below 1 to none', () => {
    for (const [from, to, level] of RANGES) {
      for (let n = from; n <= to; n++) expect([n, levelOfSeverity(n)]).toEqual([n, level]);
    }
    expect(levelOfSeverity(25)).toBe('fatal');
    expect(levelOfSeverity(0)).toBeUndefined();
    expect(levelOfSeverity(-3)).toBeUndefined();
    expect(levelOfSeverity(Number.NaN)).toBeUndefined();
  });

  it("gives podlog/testing's levelOf its level at the range ends, and 'unspecified' for 0", () => {
    expect([4, 5, 12, 13, 24].map(levelOf)).toEqual(['trace', 'debug', 'info', 'warn', 'fatal']);
    expect(levelOf(0)).toBe('unspecified');
  });

  it('names a record without severity text in the pretty line by its range (12 is INFO, 13 WARN)', () => {
    const line = (severityNumber: number) =>
      formatPrettyLine(
        decodeLogRecord(
          encodeRecord({
            timeUnixNano: 1n,
            observedTimeUnixNano: 1n,
            severityNumber,
            severityText: '',
            body: 'x',
          }),
        ),
        '',
        false,
      );
    expect(line(12)).toMatch(/ INFO /);
    expect(line(13)).toMatch(/ WARN /);
    expect(line(24)).toMatch(/ FATAL /);
  });
});
