/**
 * Disk refusals (ENOSPC, EIO, ...) versus bugs: only the codes in `DISK_ERROR_CODES` read as "the
 * disk refused"; anything else is reported as an unexpected error, never thrown into the app.
 */
import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiag } from '../../src/diag.js';
import type { SpoolFs } from '../../src/spool/index.js';
import { DiskHealth } from '../../src/spool/index.js';
import { harness, makeBatch, tempDir } from './helpers.js';

function recordingDiag() {
  const lines: Array<{ level: string; line: string }> = [];
  const diag = createDiag({ sink: (line, level) => lines.push({ level, line }), intervalMs: 0 });
  return { diag, lines };
}

describe('disk health', () => {
  it('a refusal code warns once per code and pauses the disk', () => {
    const { diag, lines } = recordingDiag();
    let now = 0;
    const h = new DiskHealth(diag, () => now, 100);
    for (const code of ['ENOSPC', 'ENOSPC', 'EIO'])
      h.refused('write', Object.assign(new Error(code), { code }));
    expect(h.isDown()).toBe(true);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn']);
    expect(lines[0].line).toContain('disk refused write (ENOSPC)');
    now += 100;
    expect(h.isDown()).toBe(false);
  });

  it('a programming error is reported as an unexpected error, not as a disk refusal', () => {
    const { diag, lines } = recordingDiag();
    const h = new DiskHealth(diag, () => 0, 100);
    h.refused('write', new TypeError('fd.write is not a function'));
    h.refused('open', Object.assign(new Error('EEXIST: file already exists'), { code: 'EEXIST' }));
    expect(lines.map((l) => l.level)).toEqual(['error', 'error']);
    expect(lines[0].line).toContain(
      'unexpected error in write (EUNKNOWN): TypeError: fd.write is not a function',
    );
    expect(lines[1].line).toContain('unexpected error in open (EEXIST)');
    expect(lines.some((l) => l.line.includes('disk refused'))).toBe(false);
  });
});

describe('spool: a bug in a file-system call', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('append resolves false (counted disk_error by the caller) and the error is diagnosed, not thrown', async () => {
    let buggy = false;
    const faulty = {
      ...fs,
      writeSync: ((...args: unknown[]) => {
        if (buggy) throw new TypeError('injected bug');
        return (fs.writeSync as (...a: unknown[]) => number)(...args);
      }) as typeof fs.writeSync,
    } as unknown as SpoolFs;
    const { diag, lines } = recordingDiag();
    let now = 0;
    const h = harness(t.dir, { fs: faulty, diag, now: () => now, retryMs: 100 });
    expect(await h.spoolIt(makeBatch(1))).toBe(true);
    buggy = true;
    expect(await h.spoolIt(makeBatch(2))).toBe(false);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.line)).toEqual([
      expect.stringContaining('unexpected error in write (EUNKNOWN): TypeError: injected bug'),
    ]);
    buggy = false;
    now += 100;
    expect(await h.spoolIt(makeBatch(3))).toBe(true);
    h.invariant();
    await h.spool.close();
  });
});
