/**
 * Adoption is per spool: two spools in one process (e.g. two loggers with their own spool
 * directories) each adopt their own dead siblings, even when their passes overlap.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchNumber, harness, makeBatch, tempDir } from './helpers.js';

/** Leaves `n` batches (from `first`) in a `proc-*` sub-directory of `root` whose writer is gone. */
async function leaveSiblingData(root: string, first: number, n: number): Promise<string> {
  const owner = harness(root);
  const sibling = harness(root, { spool: { segmentBytes: 4096 } });
  expect(sibling.spool.dir).not.toBe(root);
  for (let i = first; i < first + n; i++) expect(await sibling.spoolIt(makeBatch(i, 500))).toBe(true);
  await sibling.spool.close();
  await owner.spool.close();
  return sibling.spool.dir!;
}

describe('spool adoption', () => {
  let a: ReturnType<typeof tempDir>;
  let b: ReturnType<typeof tempDir>;
  beforeEach(() => {
    a = tempDir();
    b = tempDir();
  });
  afterEach(() => {
    a.cleanup();
    b.cleanup();
  });

  it("two spools in one process both adopt their own dead siblings' data at start", async () => {
    const subA = await leaveSiblingData(a.dir, 0, 30);
    const subB = await leaveSiblingData(b.dir, 1000, 30);
    const ha = harness(a.dir);
    const hb = harness(b.dir);
    expect([ha.spool.dir, hb.spool.dir]).toEqual([a.dir, b.dir]);
    await Promise.all([ha.spool.whenRecovered(), hb.spool.whenRecovered()]);
    expect(existsSync(subA)).toBe(false);
    expect(existsSync(subB)).toBe(false);
    const range = (from: number) => Array.from({ length: 30 }, (_, i) => from + i);
    expect((await ha.drain()).map(batchNumber)).toEqual(range(0));
    expect((await hb.drain()).map(batchNumber)).toEqual(range(1000));
    ha.invariant();
    hb.invariant();
    await ha.spool.close();
    await hb.spool.close();
  });
});
