import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDownwardMap, unquoteGo } from '../../src/resource/index.js';
import { formatMap, goQuote } from './helpers/kubelet-volume.js';

describe('unquoteGo: Go double-quoted literals as %q writes them', () => {
  it.each([
    ['"plain"', 'plain'],
    ['""', ''],
    ['"say \\"hi\\""', 'say "hi"'],
    ['"C:\\\\temp"', 'C:\\temp'],
    ['"line1\\nline2"', 'line1\nline2'],
    ['"tab\\there\\r"', 'tab\there\r'],
    ['"\\a\\b\\f\\v"', '\x07\b\f\v'],
    ['"caf\\u00e9"', 'café'],
    ['"café"', 'café'],
    ['"\\U0001f600"', '😀'],
    ['"😀 raw"', '😀 raw'],
    ['"\\x41\\x7f"', 'A\x7f'],
    ['"\\101\\102"', 'AB'],
    // \x and octal escapes are bytes: together they can spell one UTF-8 character.
    ['"\\xc3\\xa9"', 'é'],
    ['"\\303\\251"', 'é'],
    ['"a=b,c=d"', 'a=b,c=d'],
  ])('%s → %j', (literal, expected) => {
    expect(unquoteGo(literal)).toBe(expected);
  });

  it.each([
    ['no quotes', 'plain'],
    ['only an opening quote', '"open'],
    ['an unescaped quote inside', '"a"b"'],
    ['a trailing lone backslash', '"abc\\"'],
    ['an unknown escape', '"\\q"'],
    ['a short \\x', '"\\x4"'],
    ['a non-hex \\u', '"\\u00zz"'],
    ['a surrogate half in \\u', '"\\ud800"'],
    ['a code point past Unicode', '"\\U00110000"'],
    ['an octal escape past 255', '"\\400"'],
    ['a single-quote escape (rune literals only)', '"\\\'"'],
  ])('rejects %s', (_, literal) => {
    expect(unquoteGo(literal)).toBeUndefined();
  });

  it('inverts Go quoting for any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(unquoteGo(goQuote(s))).toBe(s);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        // Lone surrogates cannot survive UTF-8 in any language; skip them.
        fc.pre(!/[\uD800-\uDFFF]/u.test(s));
        expect(unquoteGo(goQuote(s))).toBe(s);
      }),
    );
  });
});

describe('parseDownwardMap: the kubelet FormatMap file', () => {
  it('reads every key="value" line, values unescaped, keys with slashes and dots intact', () => {
    const text = [
      'app.kubernetes.io/name="checkout"',
      'app.kubernetes.io/version="1.4.2"',
      'note="has = sign and \\"quotes\\""',
      'pod-template-hash="7d9f8b6c5d"',
    ].join('\n');
    const { entries, badLines } = parseDownwardMap(text);
    expect(badLines).toEqual([]);
    expect(Object.fromEntries(entries)).toEqual({
      'app.kubernetes.io/name': 'checkout',
      'app.kubernetes.io/version': '1.4.2',
      note: 'has = sign and "quotes"',
      'pod-template-hash': '7d9f8b6c5d',
    });
  });

  it('keeps the good lines and reports the bad ones by number', () => {
    const text = 'a="1"\nno-equals-sign\nb=unquoted\nc="2"\n="nokey"\nd="bad \\q escape"\ne="3"\n';
    const { entries, badLines } = parseDownwardMap(text);
    expect(Object.fromEntries(entries)).toEqual({ a: '1', c: '2', e: '3' });
    expect(badLines).toEqual([2, 3, 5, 6]);
  });

  it('round-trips maps written in the kubelet format (property)', () => {
    const key = fc.stringMatching(/^[a-z0-9]([a-z0-9.\-/_]{0,30}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ unit: 'grapheme', maxLength: 30 })), (map) => {
        const { entries, badLines } = parseDownwardMap(formatMap(map));
        expect(badLines).toEqual([]);
        expect(Object.fromEntries(entries)).toEqual(map);
      }),
    );
  });

  it('accepts CRLF line ends and an empty file', () => {
    expect(Object.fromEntries(parseDownwardMap('a="1"\r\nb="2"\r\n').entries)).toEqual({ a: '1', b: '2' });
    expect(parseDownwardMap('').entries.size).toBe(0);
  });
});
