/**
 * The file-system calls the spool makes, as one injectable object so tests can make the disk
 * fail (ENOSPC, EACCES, EROFS, EIO) at any call without root or a full disk.
 */
import type * as NodeFs from 'node:fs';

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

/** The real file system: node:fs's CJS object (an ESM import evaluates fs.promises and the streams). */
export const nodeSpoolFs: SpoolFs = process.getBuiltinModule('node:fs');

/** Error codes that mean "the disk refused", as opposed to a bug. */
export const DISK_ERROR_CODES = new Set([
  'ENOSPC',
  'EACCES',
  'EROFS',
  'EIO',
  'EPERM',
  'EDQUOT',
  'EMFILE',
  'ENFILE',
]);

/** True when `err` is the disk (or the OS) refusing an operation; false for a bug or an unexpected state. */
export function isDiskRefusal(err: unknown): boolean {
  return DISK_ERROR_CODES.has(errorCode(err));
}

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
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    if (sync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
  if (sync) syncDir(fs, dir);
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

/** Cuts `file` to `size` bytes. */
export function truncateFile(fs: SpoolFs, file: string, size: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads up to `length` bytes at `offset` (fewer when the file is shorter). */
export async function readRange(
  fs: SpoolFs,
  file: string,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}
