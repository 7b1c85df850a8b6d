/**
 * Picks the directory this process writes to: the spool root if its lock is free or stale,
 * otherwise a `proc-*` sub-directory (a stale one first, so sub-directories do not pile up).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SpoolFs } from './fs.js';
import { type HeldLock, tryLock } from './lock.js';

export const SUBDIR_PREFIX = 'proc-';

export interface OpenedDir {
  dir: string;
  lock: HeldLock;
}

export function makeDir(fs: SpoolFs, dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // Records are plaintext: keep them to the owner even in a pre-existing (e.g. emptyDir 0777) folder.
    fs.chmodSync(dir, 0o700);
  } catch {
    // Not ours to change (mounted volume root owned by root): the files themselves are still 0600.
  }
}

export function listSubdirs(fs: SpoolFs, root: string): string[] {
  return fs
    .readdirSync(root)
    .filter((n) => n.startsWith(SUBDIR_PREFIX))
    .sort()
    .map((n) => join(root, n));
}

/** Throws on disk errors; the spool then retries later. */
export function openDir(fs: SpoolFs, root: string): OpenedDir {
  makeDir(fs, root);
  const lock = tryLock(fs, root);
  if (lock) return { dir: root, lock };
  for (const sub of listSubdirs(fs, root)) {
    const l = tryLock(fs, sub);
    if (l) return { dir: sub, lock: l };
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const sub = join(root, `${SUBDIR_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`);
    makeDir(fs, sub);
    const l = tryLock(fs, sub);
    if (l) return { dir: sub, lock: l };
  }
  throw Object.assign(new Error('no spool sub-directory could be locked'), { code: 'ELOCKED' });
}
