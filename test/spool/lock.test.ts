/**
 * One writer per directory, with real processes: a second process gets its own sub-directory,
 * a stale lock (SIGKILLed owner) is taken over, and a dead process's data is adopted exactly once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWriter } from './child.js';
import { batchNumber, harness, isIntact, tempDir } from './helpers.js';

describe('spool lock', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('two processes on one dir: the second writes to its own sub-directory; all data comes back once', async () => {
    const a = startWriter(t.dir, 0, 100, 'interval', 'hold');
    await a.waitLine('DONE');
    const b = startWriter(t.dir, 1000, 100, 'interval', 'hold');
    await b.waitLine('DONE');
    expect(await a.dir).toBe(t.dir);
    const bDir = await b.dir;
    expect(bDir.startsWith(join(t.dir, 'proc-'))).toBe(true);
    const lockA = JSON.parse(readFileSync(join(t.dir, 'lock'), 'utf8'));
    expect(lockA.pid).toBe(a.child.pid);
    expect(JSON.parse(readFileSync(join(bDir, 'lock'), 'utf8')).pid).toBe(b.child.pid);
    // While both live, a third (in-process) spool takes neither of their directories.
    const h3 = harness(t.dir);
    expect(h3.spool.dir).not.toBe(t.dir);
    expect(h3.spool.dir).not.toBe(bDir);
    await h3.spool.close();
    a.child.stdin!.write('x');
    b.child.stdin!.write('x');
    await Promise.all([a.waitLine('CLOSED'), b.waitLine('CLOSED')]);
    await Promise.all([a.exited, b.exited]);

    const h = harness(t.dir);
    expect(h.spool.dir).toBe(t.dir);
    await h.spool.whenRecovered();
    const out = await h.drain();
    const nums = out.map(batchNumber).sort((x, y) => x - y);
    expect(nums).toEqual([...a.appended, ...b.appended].sort((x, y) => x - y));
    expect(out.every(isIntact)).toBe(true);
    expect(existsSync(bDir)).toBe(false);
    h.invariant();
    await h.spool.close();
  });

  it('a SIGKILLed owner leaves a stale lock: it is taken over and its data adopted exactly once', async () => {
    const a = startWriter(t.dir, 0, 100, 'interval', 'hold');
    await a.waitLine('DONE');
    const b = startWriter(t.dir, 1000, 100, 'interval', 'hold');
    await b.waitLine('DONE');
    const bDir = await b.dir;
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    expect(readdirSync(t.dir)).toContain('lock');

    // Two new spools race for the stale directories; between them everything comes back, once.
    const h1 = harness(t.dir);
    const h2 = harness(t.dir);
    expect(h1.spool.dir).toBe(t.dir);
    expect(h2.spool.dir).toBe(bDir);
    await Promise.all([h1.spool.whenRecovered(), h2.spool.whenRecovered()]);
    const out = [...(await h1.drain()), ...(await h2.drain())];
    const nums = out.map(batchNumber).sort((x, y) => x - y);
    expect(nums).toEqual([...a.appended, ...b.appended].sort((x, y) => x - y));
    expect(new Set(nums).size).toBe(nums.length);
    h1.invariant();
    h2.invariant();
    await h1.spool.close();
    await h2.spool.close();
  });

  it("the root owner adopts a dead sub-directory writer's data and removes its directory", async () => {
    const a = startWriter(t.dir, 0, 50, 'none', 'hold');
    await a.waitLine('DONE');
    const b = startWriter(t.dir, 1000, 50, 'none', 'hold');
    await b.waitLine('DONE');
    const bDir = await b.dir;
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    const h = harness(t.dir);
    await h.spool.whenRecovered();
    expect(existsSync(bDir)).toBe(false);
    const nums = (await h.drain()).map(batchNumber).sort((x, y) => x - y);
    expect(nums).toEqual([...a.appended, ...b.appended].sort((x, y) => x - y));
    h.invariant();
    await h.spool.close();
  });
});
