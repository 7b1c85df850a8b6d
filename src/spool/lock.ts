/**
 * One writer per spool directory: a lock file with pid, host, a random nonce and a heartbeat.
 * A lock is stale when its process is gone (same host, pid not alive, or our own pid but not
 * one of ours: a restarted container is often pid 1 again) or when its heartbeat stopped
 * (another host sharing a volume). A stale lock is taken over by renaming it away first, so of
 * two processes racing for it only one wins; the winner adopts the directory's data.
 *
 * `openDir` picks the directory this process writes to: the spool root if its lock is free or
 * stale, otherwise a `proc-*` sub-directory (a stale one first, so sub-directories do not pile up).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errorCode, removeQuietly, type SpoolFs, writeFileAtomicSync, writeWholeFile } from './disk.js';

const LOCK_FILE = 'lock';
/** Heartbeat period; a lock whose heartbeat is older than `STALE_AFTER_MS` is stale. */
export const HEARTBEAT_MS = 5_000;
const STALE_AFTER_MS = 60_000;

export interface LockInfo {
  pid: number;
  host: string;
  nonce: string;
  startedAt: number;
  heartbeat: number;
}

/** Nonces of the locks this process holds (a second spool in the same process gets a sub-directory). */
const held = new Set<string>();

/** The lock of `dir` (or, by `name`, a lock file moved aside in it). */
export function readLock(fs: SpoolFs, dir: string, name = LOCK_FILE): LockInfo | 'missing' | 'garbage' {
  let text: string;
  try {
    text = fs.readFileSync(join(dir, name), 'utf8');
  } catch (err) {
    return errorCode(err) === 'ENOENT' ? 'missing' : 'garbage';
  }
  try {
    const o = JSON.parse(text) as Partial<LockInfo>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string' || typeof o.nonce !== 'string')
      return 'garbage';
    return {
      pid: o.pid,
      host: o.host,
      nonce: o.nonce,
      startedAt: Number(o.startedAt) || 0,
      heartbeat: Number(o.heartbeat) || 0,
    };
  } catch {
    return 'garbage';
  }
}

/** `bytes` random bytes in hex. node:crypto loads when a spool opens, not at import. */
function randomHex(bytes: number): string {
  return process.getBuiltinModule('node:crypto').randomBytes(bytes).toString('hex');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

function isStale(info: LockInfo, now = Date.now()): boolean {
  if (held.has(info.nonce)) return false;
  if (info.host === hostname()) {
    if (info.pid === process.pid) return true;
    if (!pidAlive(info.pid)) return true;
  }
  return now - info.heartbeat > STALE_AFTER_MS;
}

/** A directory's lock, held by this process until `release()`. */
export class HeldLock {
  readonly #fs: SpoolFs;
  readonly #dir: string;
  readonly #info: LockInfo;
  #released = false;

  constructor(fs: SpoolFs, dir: string, info: LockInfo) {
    this.#fs = fs;
    this.#dir = dir;
    this.#info = info;
    held.add(info.nonce);
  }

  /** Rewrites the heartbeat; false when the lock is no longer ours. */
  heartbeat(): boolean {
    if (this.#released) return false;
    const current = readLock(this.#fs, this.#dir);
    if (current !== 'missing' && (current === 'garbage' || current.nonce !== this.#info.nonce)) return false;
    this.#info.heartbeat = Date.now();
    writeFileAtomicSync(this.#fs, this.#dir, join(this.#dir, LOCK_FILE), JSON.stringify(this.#info), false);
    return true;
  }

  /**
   * Never throws: a lock file left behind is ours (same pid), and the next attempt or process
   * takes it over as stale.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this.#info.nonce);
    const current = readLock(this.#fs, this.#dir);
    if (current !== 'missing' && current !== 'garbage' && current.nonce === this.#info.nonce)
      removeQuietly(this.#fs, join(this.#dir, LOCK_FILE)); // Left behind: see above.
  }
}

/**
 * Tries to take the lock of `dir`. Returns undefined when a live process holds it.
 * Throws only on disk errors (the caller treats those as "disk unavailable").
 */
export function tryLock(fs: SpoolFs, dir: string): HeldLock | undefined {
  const path = join(dir, LOCK_FILE);
  const now = Date.now();
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    nonce: randomHex(8),
    startedAt: now,
    heartbeat: now,
  };
  const text = JSON.stringify(info);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeWholeFile(fs, path, 'wx', text, true);
      return new HeldLock(fs, dir, info);
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    const current = readLock(fs, dir);
    if (current === 'missing') continue;
    if (current !== 'garbage' && !isStale(current, now)) return undefined;
    // Rename the stale lock to a name only we use: of two racers, one rename fails with ENOENT.
    const aside = `${LOCK_FILE}.stale-${info.nonce}`;
    try {
      fs.renameSync(path, join(dir, aside));
    } catch {
      continue;
    }
    const took = readLock(fs, dir, aside);
    removeQuietly(fs, join(dir, aside)); // Left behind: harmless, no lock is read from it.
    // We may have moved a lock that a racer had just taken over: give up this directory.
    if (current !== 'garbage' && (typeof took === 'string' || took.nonce !== current.nonce)) return undefined;
  }
  return undefined;
}

const SUBDIR_PREFIX = 'proc-';

function makeDir(fs: SpoolFs, dir: string): void {
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
export function openDir(fs: SpoolFs, root: string): { dir: string; lock: HeldLock } {
  makeDir(fs, root);
  const lock = tryLock(fs, root);
  if (lock) return { dir: root, lock };
  for (const sub of listSubdirs(fs, root)) {
    const l = tryLock(fs, sub);
    if (l) return { dir: sub, lock: l };
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const sub = join(root, `${SUBDIR_PREFIX}${process.pid}-${randomHex(3)}`);
    makeDir(fs, sub);
    const l = tryLock(fs, sub);
    if (l) return { dir: sub, lock: l };
  }
  throw Object.assign(new Error('no spool sub-directory could be locked'), { code: 'ELOCKED' });
}
