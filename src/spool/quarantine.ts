/**
 * The quarantine folder: batches the backend refused for good (4xx other than 408/429) and
 * unreadable rests of segments, kept for a human to look at, bounded by bytes (oldest go first).
 * Each batch file is a one-frame segment, so `podlog spool inspect` reads it like any other.
 */
import { join } from 'node:path';
import { type SpoolFs, writeFileAtomicSync } from './disk.js';

const QUARANTINE_DIR = 'quarantine';

export function quarantineDir(dir: string): string {
  return join(dir, QUARANTINE_DIR);
}

/** Writes one quarantine file (plus a small `.json` note) and trims the folder to `maxBytes`. */
export function writeQuarantine(
  fs: SpoolFs,
  dir: string,
  name: string,
  data: Uint8Array,
  note: Record<string, unknown>,
  maxBytes: number,
): void {
  const qdir = quarantineDir(dir);
  fs.mkdirSync(qdir, { recursive: true, mode: 0o700 });
  if (data.length + 1024 > maxBytes) return;
  writeFileAtomicSync(fs, qdir, join(qdir, name), data, false);
  writeFileAtomicSync(fs, qdir, join(qdir, `${name}.json`), `${JSON.stringify(note)}\n`, false);
  trimQuarantine(fs, qdir, maxBytes);
}

/** Moves a whole file (a segment with a foreign header) into `dir`'s quarantine folder as `name`. Throws on disk errors. */
export function moveToQuarantine(fs: SpoolFs, dir: string, file: string, name: string): void {
  const qdir = quarantineDir(dir);
  fs.mkdirSync(qdir, { recursive: true, mode: 0o700 });
  fs.renameSync(file, join(qdir, name));
}

function trimQuarantine(fs: SpoolFs, qdir: string, maxBytes: number): void {
  const files = fs
    .readdirSync(qdir)
    .filter((n) => !n.endsWith('.json') && !n.endsWith('.tmp'))
    .map((n) => {
      const st = fs.statSync(join(qdir, n));
      let note = 0;
      try {
        note = fs.statSync(join(qdir, `${n}.json`)).size;
      } catch {
        // No note.
      }
      return { n, size: st.size + note, mtime: st.mtimeMs };
    })
    .sort((a, b) => a.mtime - b.mtime || (a.n < b.n ? -1 : 1));
  let total = files.reduce((s, f) => s + f.size, 0);
  for (const f of files) {
    if (total <= maxBytes) break;
    for (const p of [join(qdir, f.n), join(qdir, `${f.n}.json`)]) {
      try {
        fs.unlinkSync(p);
      } catch {
        // Gone already.
      }
    }
    total -= f.size;
  }
}
