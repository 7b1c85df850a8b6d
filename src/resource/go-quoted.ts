/**
 * The kubelet's Downward API map format: `fieldpath.FormatMap` writes one `key="value"` line
 * per entry, keys sorted, values through Go's `%q` (strconv.Quote), no trailing newline.
 * Parsing it exactly matters: a label value with a quote or a non-ASCII letter must come out
 * as the user wrote it in the pod spec.
 */

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  '"': 0x22,
};

const encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

function hexValue(text: string, from: number, digits: number): number {
  const part = text.slice(from, from + digits);
  if (part.length !== digits || !/^[0-9a-fA-F]+$/.test(part)) return -1;
  return Number.parseInt(part, 16);
}

/**
 * Unquotes one Go double-quoted string literal (with its quotes), like `strconv.Unquote`.
 * `\x` and octal escapes are bytes (they may form UTF-8 together); `\u`/`\U` are code points.
 * Returns `undefined` for anything Go would reject.
 */
export function unquoteGo(literal: string): string | undefined {
  if (literal.length < 2 || literal[0] !== '"' || literal[literal.length - 1] !== '"') return undefined;
  const body = literal.slice(1, -1);
  // Fast path: no escapes, the common case for labels.
  if (!body.includes('\\')) return body.includes('"') || body.includes('\n') ? undefined : body;
  const bytes: number[] = [];
  const pushText = (s: string) => {
    for (const b of encoder.encode(s)) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '"' || c === '\n') return undefined;
    if (c !== '\\') {
      // Copy a run of plain characters at once (surrogate pairs stay together).
      let j = i + 1;
      while (j < body.length && body[j] !== '\\' && body[j] !== '"' && body[j] !== '\n') j++;
      pushText(body.slice(i, j));
      i = j;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]);
      i += 2;
    } else if (e === 'x') {
      const v = hexValue(body, i + 2, 2);
      if (v < 0) return undefined;
      bytes.push(v);
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const digits = e === 'u' ? 4 : 8;
      const v = hexValue(body, i + 2, digits);
      // Go rejects surrogate halves and values beyond Unicode in \u and \U.
      if (v < 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      pushText(String.fromCodePoint(v));
      i += 2 + digits;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const v = Number.parseInt(oct, 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 4;
    } else {
      return undefined;
    }
  }
  return utf8Decoder.decode(Uint8Array.from(bytes));
}

/** Parses a Downward API `labels`/`annotations` file. Bad lines are reported, the rest kept. */
export function parseDownwardMap(text: string) {
  const entries = new Map<string, string>();
  // 1-based numbers of lines that were not `key="value"`.
  const badLines: number[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].endsWith('\r') ? lines[n].slice(0, -1) : lines[n];
    if (line === '') continue;
    // Keys (label and annotation names) cannot contain `=`, values can: split at the first one.
    const eq = line.indexOf('=');
    const value = eq > 0 ? unquoteGo(line.slice(eq + 1)) : undefined;
    if (value === undefined) {
      badLines.push(n + 1);
      continue;
    }
    entries.set(line.slice(0, eq), value);
  }
  return { entries, badLines };
}
