/**
 * Writes a Downward API volume the way the kubelet's AtomicWriter does: each version in a
 * fresh `..<timestamp>` directory, `..data` swapped to it by renaming a temporary symlink,
 * user-visible names as symlinks through `..data`, the old version removed afterwards.
 */
import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const isPrint = (ch: string) => /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch);

/** Go's `strconv.Quote` (what `%q` prints), enough of it for the kubelet's values. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (isPrint(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** `fieldpath.FormatMap`: sorted keys, `key=%q` lines, no trailing newline. */
export function formatMap(map: Record<string, string>): string {
  return Object.keys(map)
    .sort()
    .map((k) => `${k}=${goQuote(map[k])}`)
    .join('\n');
}

let counter = 0;

function timestampDir(): string {
  // ..2026_11_27_10_00_00.123456789, unique per write like the kubelet's.
  counter++;
  return `..2026_11_27_10_00_${String(counter % 60).padStart(2, '0')}.${String(123456789 + counter).padStart(9, '0')}`;
}

/** Writes a new version of the volume in `dir` (raw file contents by name) and swaps `..data` to it. */
export function writeVolume(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  let old: string | undefined;
  try {
    old = readlinkSync(join(dir, '..data'));
  } catch {
    old = undefined;
  }
  const ts = timestampDir();
  mkdirSync(join(dir, ts));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, ts, name), content);
  symlinkSync(ts, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const name of Object.keys(files)) {
    try {
      symlinkSync(join('..data', name), join(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (old) rmSync(join(dir, old), { recursive: true, force: true });
  return ts;
}

/** The usual case: labels and annotations maps in the kubelet's format. */
export function writePodinfo(
  dir: string,
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
): string {
  return writeVolume(dir, { labels: formatMap(labels), annotations: formatMap(annotations) });
}
