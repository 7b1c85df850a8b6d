/**
 * The disk as the spool sees it: the file-system calls it makes, as one injectable object so
 * tests can make the disk fail (ENOSPC, EACCES, EROFS, EIO) at any call without root or a full
 * disk; atomic file writes; and `DiskHealth`, whether the disk currently takes writes.
 */
import type * as NodeFs from 'node:fs';
import type { Diag } from '../diag.js';

export type SpoolFs = Pick<
  typeof NodeFs,
  | 'mkdirSync'
  | 'readdirSync'
  | 'statSync'
  | 'openSync'
  | 'writeSync'
  | 'readSync'
  | 'closeSync'
  | 'fsyncSync'
  | 'fdatasyncSync'
  | 'ftruncateSync'
  | 'readFileSync'
  | 'renameSync'
  | 'unlinkSync'
  | 'rmSync'
  | 'chmodSync'
  | 'fdatasync'
  | 'close'
  | 'promises'
>;

/** The real file system. */
/** node:fs's CJS object: an ESM import evaluates fs.promises and the streams (docs/performance.md). */
export const nodeSpoolFs: SpoolFs = process.getBuiltinModule('node:fs');

/** Error codes that mean "the disk refused", as opposed to a bug. */
const DISK_ERROR_CODES = new Set(['ENOSPC', 'EACCES', 'EROFS', 'EIO', 'EPERM', 'EDQUOT', 'EMFILE', 'ENFILE']);

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

/** Writes `data` to `path` atomically: temp file, fsync, rename, then fsync the directory. */
export function writeFileAtomicSync(
  fs: SpoolFs,
  dir: string,
  path: string,
  data: Uint8Array | string,
  sync: boolean,
): void {
  const tmp = `${path}.tmp`;
  writeWholeFile(fs, tmp, 'w', data, sync);
  fs.renameSync(tmp, path);
  if (sync) syncDir(fs, dir);
}

/** Writes a file (mode 0600) with `flag` ('wx': only if it does not exist yet), fsynced if `sync`. */
export function writeWholeFile(
  fs: SpoolFs,
  path: string,
  flag: 'w' | 'wx',
  data: Uint8Array | string,
  sync: boolean,
): void {
  const fd = fs.openSync(path, flag, 0o600);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    if (sync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fsyncs a directory so a create/rename/unlink in it survives power loss. Best effort. */
export function syncDir(fs: SpoolFs, dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the data files are already synced.
  }
}

/** The asynchronous twin of {@link writeFileAtomicSync}, for the cursor on the hot path. */
export async function writeFileAtomic(
  fs: SpoolFs,
  dir: string,
  path: string,
  data: string,
  sync: boolean,
): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await fs.promises.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, path);
  if (sync) {
    try {
      const dh = await fs.promises.open(dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch {
      // See syncDir.
    }
  }
}

/** Deletes `path` if it can. For files whose leftover is harmless (each caller says why); never throws. */
export function removeQuietly(fs: SpoolFs, path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // Gone already, or left behind.
  }
}

/** Cuts `file` to `size` bytes. */
export function truncateFile(fs: SpoolFs, file: string, size: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Whether the disk currently takes writes. After a refusal (ENOSPC, EIO, ...) the spool leaves
 * the disk alone for `retryMs` instead of hammering it on every batch, and warns once per error
 * code until a write goes through again, so a full disk does not flood the diagnostics.
 *
 * Only the codes in `DISK_ERROR_CODES` are refusals. Anything else (a TypeError, ENOENT, EEXIST,
 * EBADF: a bug, or a state the spool does not expect) is reported as an error with its message,
 * so it is not mistaken for a full disk; it gets the same back-off, and is never thrown into the app.
 */
export class DiskHealth {
  readonly #diag: Diag;
  readonly #now: () => number;
  readonly #retryMs: number;
  #downUntil = 0;
  readonly #warned = new Set<string>();

  constructor(diag: Diag, now: () => number, retryMs: number) {
    this.#diag = diag;
    this.#now = now;
    this.#retryMs = retryMs;
  }

  /** How long the disk is left alone after a refusal (the `SpoolUnavailableError` hint). */
  get retryMs(): number {
    return this.#retryMs;
  }

  /** True while the disk is being left alone after a refusal. */
  isDown(): boolean {
    return this.#now() < this.#downUntil;
  }

  /** `op` failed: pause writes; warn once per refusal code, or report an unexpected error. */
  refused(op: string, err: unknown): void {
    const code = errorCode(err);
    this.#downUntil = this.#now() + this.#retryMs;
    if (!DISK_ERROR_CODES.has(code)) {
      // Rate-limited per operation by the diag; the message carries no record contents.
      this.#diag.error(
        `spool-unexpected-${op}`,
        `spool: unexpected error in ${op} (${code}): ${describeError(err)}; retrying in ${this.#retryMs} ms`,
      );
      return;
    }
    if (this.#warned.has(code)) return;
    this.#warned.add(code);
    this.#diag.warn(
      `spool-disk-${code}`,
      `spool: disk refused ${op} (${code}); retrying in ${this.#retryMs} ms`,
    );
  }

  /** The cause of the refusals is gone (the directory was recreated): writes may go at once. */
  clear(): void {
    this.#downUntil = 0;
  }

  /** A write went through: say so once if we had warned, and re-arm the warnings. */
  wrote(): void {
    if (this.#warned.size > 0) {
      this.#warned.clear();
      this.#diag.info('spool-disk', 'spool disk accepts writes again');
    }
  }
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : typeof err;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
