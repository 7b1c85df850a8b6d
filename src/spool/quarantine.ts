/**
 * The quarantine folder: batches the backend refused for good (4xx other than 408/429) and
 * unreadable rests of segments, kept for a human to look at, bounded by bytes (oldest go first).
 * Each batch file is a one-frame segment, so `podlog spool inspect` reads it like any other.
 * Recovery and adoption quarantine segments the same way (`quarantineDamaged`).
 */
import { join } from 'node:path';
import { removeQuietly, type SpoolFs, truncateFile, writeFileAtomicSync } from './disk.js';
import type { SegmentScan } from './format.js';
import type { SpoolContext } from './ledger.js';

const QUARANTINE_DIR = 'quarantine';

export function quarantineDir(dir: string): string {
  return join(dir, QUARANTINE_DIR);
}

/** Writes one quarantine file (plus a small `.json` note) and trims the folder to `spool.quarantineMaxBytes`. */
export function writeQuarantine(
  { fs, cfg }: Pick<SpoolContext, 'fs' | 'cfg'>,
  dir: string,
  name: string,
  data: Uint8Array,
  note: Record<string, unknown>,
): void {
  const qdir = quarantineDir(dir);
  fs.mkdirSync(qdir, { recursive: true, mode: 0o700 });
  if (data.length + 1024 > cfg.quarantineMaxBytes) return;
  writeFileAtomicSync(fs, qdir, join(qdir, name), data, false);
  writeFileAtomicSync(fs, qdir, join(qdir, `${name}.json`), `${JSON.stringify(note)}\n`, false);
  trimQuarantine(fs, qdir, cfg.quarantineMaxBytes);
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
    removeQuietly(fs, join(qdir, f.n));
    removeQuietly(fs, join(qdir, `${f.n}.json`));
    total -= f.size;
  }
}

/**
 * Moves the damaged part of segment `file` to `ownDir`'s quarantine folder (for `podlog spool
 * inspect`): the whole file when its header is foreign (`foreign-<name>`); else its unreadable
 * rest (from `scan.insaneAt`, with `note`), copied and then cut off the file, or every later
 * process counts it again while an older frame of the segment is open. Same name on a retry: a
 * second attempt replaces the first copy. False on a disk error (reported; the data stays, for a
 * later attempt); else warns that the segment `where` was quarantined.
 */
export function quarantineDamaged(
  spool: SpoolContext,
  ownDir: string,
  file: string,
  scan: SegmentScan,
  name: string,
  where: string,
  note: Record<string, string> = {},
): boolean {
  const qdir = quarantineDir(ownDir);
  const at = scan.insaneAt!;
  const foreign = scan.header === 'bad';
  try {
    if (foreign) {
      spool.fs.mkdirSync(qdir, { recursive: true, mode: 0o700 });
      spool.fs.renameSync(file, join(qdir, `foreign-${name}`));
    } else {
      const fullNote = { ...note, offset: at, bytes: scan.size - at };
      writeQuarantine(spool, ownDir, `corrupt-${name}-${at}.bin`, scan.bytes.subarray(at), fullNote);
      truncateFile(spool.fs, file, at);
    }
  } catch (err) {
    spool.health.refused('quarantine', err);
    return false;
  }
  const what = foreign ? 'has a foreign header' : `unreadable after byte ${at}`;
  spool.diag.warn('spool-quarantine', `spool segment ${where} ${what}; quarantined`);
  return true;
}
