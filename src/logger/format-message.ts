/**
 * printf-style messages exactly as pino formats them (`quick-format-unescaped` with pino's
 * stringify): `%s` String(v), `%d` / `%f` Number(v), `%i` Math.floor(Number(v)), `%j` `%o` `%O`
 * JSON (a string quoted, a function by its name), `%%` a percent sign. A `%d`/`%i`/`%f` given
 * `null` or `undefined`, or `%j`/`%o`/`%O` given `undefined`, prints nothing and leaves the
 * placeholder as written; so does any other `%x` (which still takes an argument).
 *
 * One deliberate difference: pino silently drops the arguments no placeholder printed (extra
 * arguments, the ones a placeholder skipped). podlog hands them back to the caller
 * (`unprinted`), which keeps them on the record (call-forms.ts).
 */
import { toText, UNSERIALIZABLE } from '../record/value-limits.js';

/**
 * Formats `f` with `args[start…]`. Arguments that no placeholder printed are pushed on
 * `unprinted`, in order. Never throws (a throwing `toString` prints `"[Unserializable]"`).
 */
export function formatMessage(
  f: string,
  args: ArrayLike<unknown>,
  start: number,
  unprinted: unknown[],
): string {
  const argLen = args.length - start;
  if (argLen <= 0) return f;
  let str = '';
  let a = 0;
  let lastPos = -1;
  const flen = f.length;
  for (let i = 0; i < flen; ) {
    if (f.charCodeAt(i) === 37 && i + 1 < flen) {
      lastPos = lastPos > -1 ? lastPos : 0;
      const code = f.charCodeAt(i + 1);
      let text: string | undefined;
      if (code === 37)
        text = '%'; // '%%' takes no argument
      else if (a < argLen) {
        const arg = args[start + a++];
        text = printed(code, arg);
        if (text === undefined) unprinted.push(arg);
      }
      if (text !== undefined) {
        if (lastPos < i) str += f.slice(lastPos, i);
        str += text;
        lastPos = i + 2;
        i++;
      }
    }
    ++i;
  }
  for (let k = a; k < argLen; k++) unprinted.push(args[start + k]);
  if (lastPos === -1) return f;
  if (lastPos < flen) str += f.slice(lastPos);
  return str;
}

/**
 * What the placeholder `%` + `code` prints for `arg`, or `undefined` when it prints nothing
 * and leaves the placeholder as written (the argument is then kept as unprinted). A character
 * that is no placeholder still takes an argument, as in pino.
 */
function printed(code: number, arg: unknown): string | undefined {
  switch (code) {
    case 100: // 'd'
    case 102: // 'f'
      return arg == null ? undefined : String(toNumber(arg));
    case 105: // 'i'
      return arg == null ? undefined : String(Math.floor(toNumber(arg)));
    case 79: // 'O'
    case 111: // 'o'
    case 106: // 'j'
      if (arg === undefined) return undefined;
      if (typeof arg === 'string') return `'${arg}'`;
      if (typeof arg === 'function') return arg.name || '<anonymous>';
      // JSON.stringify gives undefined for a Symbol: printed as "undefined", as pino does.
      return `${stringifyForFormat(arg)}`;
    case 115: // 's'
      return toText(arg);
    default:
      return undefined;
  }
}

function toNumber(v: unknown): number {
  try {
    return Number(v);
  } catch {
    return Number.NaN; // a Symbol, or a throwing valueOf
  }
}

/**
 * pino's stringify for `%j %o %O`: `JSON.stringify`, and for what it refuses (cycles, BigInt)
 * a safe form with `"[Circular]"` and BigInts as numbers. Never throws.
 */
export function stringifyForFormat(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    try {
      return JSON.stringify(safeCopy(v, []));
    } catch {
      return `"${UNSERIALIZABLE}"`;
    }
  }
}

/** A JSON-safe copy of `v`: cycles as "[Circular]", BigInts as numbers, throwing reads as "[Unserializable]". */
function safeCopy(v: unknown, path: unknown[]): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v === null || typeof v !== 'object') return v;
  if (path.includes(v)) return '[Circular]';
  let value: unknown = v;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    value = toJSON.call(v);
    if (value === null || typeof value !== 'object') return safeCopy(value, path);
  }
  path.push(v);
  try {
    if (Array.isArray(value)) return value.map((item) => safeCopy(item, path));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object)) {
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch {
        item = UNSERIALIZABLE;
      }
      out[key] = safeCopy(item, path);
    }
    return out;
  } finally {
    path.pop();
  }
}
