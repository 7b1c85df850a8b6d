/**
 * SIGKILL fault injection with real processes: a writer is killed at random points, again and
 * again on the same directory (each new writer takes over the stale lock and the data). Every
 * batch whose append completed and was not acknowledged must come back; nothing invalid may.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWriter } from './child.js';
import { batchNumber, harness, isIntact, tempDir } from './helpers.js';

describe('spool under SIGKILL', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('replays every completed append across repeated kills; never an invalid batch', async () => {
    const seed = Number(process.env.SPOOL_CRASH_SEED ?? Date.now() % 100000);
    let rnd = seed;
    const random = () => {
      rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
      return rnd / 2 ** 31;
    };
    const completed = new Set<number>();
    const acked = new Set<string>();
    const possiblyAcked = new Set<string>();
    const iterations = 6;
    for (let it = 0; it < iterations; it++) {
      const durability = (['interval', 'always', 'none'] as const)[it % 3];
      const w = startWriter(t.dir, it * 10_000, 5_000, durability, it % 2 ? 'mixed' : 'append');
      const killAfter = 1 + Math.floor(random() * 400);
      await w.waitAppends(killAfter);
      // Let it run a little further so the kill lands mid-write at a random point.
      await new Promise((r) => setTimeout(r, Math.floor(random() * 15)));
      w.child.kill('SIGKILL');
      // Killed (null), or done on its own (0); never crashed (its reports would be incomplete).
      expect([null, 0], `seed ${seed}`).toContain(await w.exited);
      for (const n of w.appended) completed.add(n);
      for (const id of w.acked) acked.add(id);
      // The child acks one batch at a time: only its last `P` can lack a `K`.
      const inFlight = w.acking.filter((id) => !w.acked.includes(id));
      expect(inFlight.length, `seed ${seed}`).toBeLessThanOrEqual(1);
      for (const id of inFlight) {
        expect(id, `seed ${seed}`).toBe(w.acking.at(-1));
        possiblyAcked.add(id);
      }
    }
    const h = harness(t.dir);
    const out = await h.drain();
    expect(out.every(isIntact), `seed ${seed}`).toBe(true);
    const replayed = new Set(out.map(batchNumber));
    const missing = [...completed].filter(
      (n) => !replayed.has(n) && !acked.has(`b-${n}`) && !possiblyAcked.has(`b-${n}`),
    );
    expect(missing, `seed ${seed}`).toEqual([]);
    expect(completed.size).toBeGreaterThan(iterations);
    expect(h.counters.dropped.corrupt).toBe(0);
    h.invariant();
    await h.spool.close();
  }, 30_000);
});
