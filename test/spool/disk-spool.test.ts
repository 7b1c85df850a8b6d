import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchNumber, harness, isIntact, makeBatch, tempDir } from './helpers.js';

describe('disk spool: append, replay, acknowledge', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('replays appended batches oldest first, byte for byte, and removes them after ack', async () => {
    const h = harness(t.dir);
    for (let i = 0; i < 50; i++) expect(await h.spoolIt(makeBatch(i, 100 + i))).toBe(true);
    expect(h.spool.pending.batches).toBe(50);
    const out = await h.drain();
    expect(out.map(batchNumber)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(out.every(isIntact)).toBe(true);
    expect(h.spool.pending).toEqual({ batches: 0, records: 0, bytes: 0 });
    h.invariant();
    await h.spool.close();
  });

  it('a released batch comes back first; a leased one is not handed out twice', async () => {
    const h = harness(t.dir);
    for (let i = 0; i < 3; i++) await h.spoolIt(makeBatch(i));
    const a = await h.spool.next();
    const b = await h.spool.next();
    expect([a, b].map((x) => batchNumber(x!))).toEqual([0, 1]);
    h.spool.release(a!.id);
    expect(batchNumber((await h.spool.next())!)).toBe(0);
    expect(batchNumber((await h.spool.next())!)).toBe(2);
    expect(await h.spool.next()).toBeUndefined();
    await h.spool.close();
  });

  it('survives close and reopen: only unacknowledged batches come back, counted as recovered', async () => {
    const h1 = harness(t.dir);
    for (let i = 0; i < 10; i++) await h1.spoolIt(makeBatch(i));
    for (let i = 0; i < 4; i++) {
      const b = (await h1.spool.next())!;
      await h1.spool.ack(b.id);
      h1.counters.delivered(b.count, 'spooled');
    }
    h1.invariant();
    await h1.spool.close();

    const h2 = harness(t.dir);
    await h2.spool.whenRecovered();
    const expectedRecords = [4, 5, 6, 7, 8, 9].reduce((s, i) => s + makeBatch(i).count, 0);
    expect(h2.counters.recovered).toBe(expectedRecords);
    expect(h2.counters.spooled).toBe(expectedRecords);
    const out = await h2.drain();
    expect(out.map(batchNumber)).toEqual([4, 5, 6, 7, 8, 9]);
    h2.invariant();
    await h2.spool.close();
  });

  it('creates the directory 0700 and its files 0600', async () => {
    const dir = join(t.dir, 'nested', 'spool');
    const h = harness(dir);
    await h.spoolIt(makeBatch(1));
    await h.spool.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const { readdirSync } = await import('node:fs');
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
  });

  for (const durability of ['interval', 'always', 'none'] as const) {
    it(`durability ${durability}: appendSync and append both persist across reopen`, async () => {
      const h = harness(t.dir, { spool: { durability } });
      expect(h.spool.appendSync(makeBatch(1))).toBe(true);
      expect(await h.spool.append(makeBatch(2))).toBe(true);
      await h.spool.close();
      const h2 = harness(t.dir);
      expect((await h2.drain()).map(batchNumber)).toEqual([1, 2]);
      await h2.spool.close();
    });
  }
});
