/**
 * The crash tests trust a child's stdout reports: a child that crashes on a full pipe (EAGAIN on
 * its non-blocking stdout) would make them fail for a reason that has nothing to do with the
 * spool. A child that writes far more than a pipe holds, to a parent that is not reading yet,
 * must wait, not crash, and every line must arrive.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FLOOD = fileURLToPath(new URL('./fixtures/flood.ts', import.meta.url));

describe('child reports', () => {
  it('a child writing to a full stdout pipe waits for the parent instead of crashing', async () => {
    const lines = 2000; // about 2 MB: many times a pipe's buffer
    const child = spawn(process.execPath, ['--import', 'tsx', FLOOD, String(lines)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Read nothing until the child says the pipe is full (or it died trying).
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('WAITING')) resolve();
      });
      void exited.then(() => resolve());
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stdout.resume();
    const code = await exited;
    await new Promise<void>((resolve) => {
      if (child.stdout.readableEnded) resolve();
      else child.stdout.once('end', () => resolve());
    });
    expect(stderr).not.toContain('EAGAIN');
    expect(stderr).toContain('WAITING');
    expect(code).toBe(0);
    const got = out.split('\n').filter((l) => l.length > 0);
    expect(got).toHaveLength(lines + 1);
    expect(got.slice(0, lines).map((l) => Number(l.split(' ')[1]))).toEqual(
      Array.from({ length: lines }, (_, i) => i),
    );
    expect(got[lines]).toBe('DONE');
  }, 20_000);
});
