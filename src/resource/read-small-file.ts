/**
 * Reads a small text file synchronously with a size cap. Start-up detection must be
 * synchronous (the first record already carries the resource) and the files are tiny, so
 * sync reads cost less than the machinery of async ones.
 */
// node:fs's CJS object: an ESM import evaluates fs.promises and the streams (docs/performance.md).
const { closeSync, fstatSync, openSync, readSync } = process.getBuiltinModule('node:fs');

export type SmallFile =
  | { ok: true; text: string }
  | { ok: false; reason: 'missing' | 'too-large' | 'unreadable'; detail: string };

export function readSmallFile(path: string, maxBytes: number): SmallFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing', detail: code };
    return { ok: false, reason: 'unreadable', detail: code ?? 'error' };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: 'unreadable', detail: 'not a regular file' };
    // /proc files report size 0 but have content: read up to the cap either way.
    if (st.size > maxBytes) return { ok: false, reason: 'too-large', detail: `${st.size} bytes` };
    // Sized to the file (plus one byte to notice growth); /proc files start at 16 KiB.
    const chunks: Buffer[] = [];
    let len = 0;
    let chunkSize = Math.min(maxBytes + 1, st.size > 0 ? st.size + 1 : 16 * 1024);
    while (len <= maxBytes) {
      const chunk = Buffer.allocUnsafe(chunkSize);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      len += n;
      chunkSize = Math.min(64 * 1024, maxBytes + 1 - len);
    }
    if (len > maxBytes) return { ok: false, reason: 'too-large', detail: `over ${maxBytes} bytes` };
    const text = Buffer.concat(chunks, len).toString('utf8');
    return { ok: true, text };
  } catch (err) {
    return { ok: false, reason: 'unreadable', detail: (err as NodeJS.ErrnoException).code ?? 'error' };
  } finally {
    try {
      closeSync(fd);
    } catch {
      // Nothing to do about a failed close of a read-only fd.
    }
  }
}
