/**
 * The memory queue's own bookkeeping (src/batch/memory-queue.ts): totals of what is in memory,
 * the batches waiting for a slot, and its two kinds of waiters: `settled()` waits for exactly
 * the batches cut before the call (in any settling order), `drained()` for the fill to drop
 * below the low-water mark.
 */
import { describe, expect, it } from 'vitest';
import { framedSize, LOW_WATER, MemoryQueue } from '../../src/batch/index.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../../src/record/index.js';
import { logRecordBytes } from './fakes.js';

const enc = new TextEncoder();
const resource: EncodedResource = { attributes: {}, bytes: enc.encode('\x0a\x03res') };
const scope: EncodedScope = { name: 'a', version: '', bytes: enc.encode('\x0a\x01a') };
const record = (i: number): EncodedRecord => ({ bytes: logRecordBytes(`record ${i}`), scope, resource });

function queue(maxRecords = 100): MemoryQueue {
  return new MemoryQueue({ maxRecords, maxBytes: 1 << 20, batchRecords: 10, batchBytes: 1 << 16 });
}

function add(q: MemoryQueue, n: number): void {
  for (let i = 0; i < n; i++) {
    const r = record(i);
    q.add(r, framedSize(r));
  }
}

/** Whether `p` has resolved once pending callbacks ran. */
async function isDone(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
}

const noLoss = (n: number) => {
  throw new Error(`${n} records lost`);
};

describe('MemoryQueue', () => {
  it('counts records and bytes while loose, cut, waiting and in flight, until forgotten', () => {
    const q = queue();
    add(q, 3);
    expect(q.records).toBe(3);
    expect(q.looseCount).toBe(3);
    const entry = q.cut(noLoss)!;
    expect(entry.batch.count).toBe(3);
    expect(q.looseCount).toBe(0);
    expect(q.readyCount).toBe(1);
    expect(q.oldestReady()).toBe(entry);
    expect(q.nextReady()).toBe(entry);
    expect(q.readyCount).toBe(0);
    // In flight: still in memory.
    expect(q.records).toBe(3);
    expect(q.bytes).toBe(entry.bytes);
    q.forget(entry);
    expect(q.records).toBe(0);
    expect(q.bytes).toBe(0);
  });

  it('takeReady hands over every waiting batch, oldest first, and leaves none', () => {
    const q = queue();
    const cut = [1, 2, 3].map((n) => {
      add(q, n);
      return q.cut(noLoss)!;
    });
    expect(q.takeReady()).toEqual(cut);
    expect(q.readyCount).toBe(0);
    expect(q.nextReady()).toBeUndefined();
    expect(q.records).toBe(6); // taken, not forgotten
  });

  it('settled() waits for exactly the batches cut before the call, whatever order they settle in', async () => {
    const q = queue();
    await expect(isDone(q.settled())).resolves.toBe(true); // nothing cut
    add(q, 2);
    const a = q.cut(noLoss)!;
    add(q, 2);
    const b = q.cut(noLoss)!;
    const waiting = q.settled();
    add(q, 2);
    const later = q.cut(noLoss)!; // cut after the call: not waited for
    q.settle(b);
    expect(await isDone(waiting)).toBe(false);
    q.settle(a);
    expect(await isDone(waiting)).toBe(true);
    // `later` is still unsettled: a new call waits for it.
    const again = q.settled();
    expect(await isDone(again)).toBe(false);
    q.settle(later);
    expect(await isDone(again)).toBe(true);
    q.settle(later); // settling twice changes nothing
    expect(await isDone(q.settled())).toBe(true);
  });

  it(`drained() resolves once the fill is below ${LOW_WATER}, not at the first free slot`, async () => {
    const q = queue(10);
    add(q, 10);
    const entry = q.cut(noLoss)!;
    expect(q.fill()).toBe(1);
    const waiting = q.drained();
    q.wakeDrained(); // still full: nobody wakes
    expect(await isDone(waiting)).toBe(false);
    q.forget(entry);
    expect(q.fill()).toBe(0);
    expect(await isDone(waiting)).toBe(false); // memory went down, but only a wake resolves it
    q.wakeDrained();
    expect(await isDone(waiting)).toBe(true);
    expect(await isDone(q.drained())).toBe(true); // calm: at once
  });

  it('drained(below) waits for the lower of below and the low-water mark; a mark it cannot use is the low-water mark', async () => {
    const q = queue(10);
    add(q, 3);
    const below = q.drained(0.2);
    expect(await isDone(below)).toBe(false); // 0.3 is under the low-water mark, not under 0.2
    expect(await isDone(q.drained(0.8))).toBe(true); // above the low-water mark: it applies
    expect(await isDone(q.drained(0))).toBe(true); // not a fill it could ever be below
    expect(await isDone(q.drained(Number.NaN))).toBe(true);
    const entry = q.cut(noLoss)!;
    add(q, 1);
    q.forget(entry);
    q.wakeDrained();
    expect(q.fill()).toBe(0.1);
    expect(await isDone(below)).toBe(true);
  });

  it('wakeDrained(all) wakes every waiter whatever the fill (the pipeline is closing)', async () => {
    const q = queue(10);
    add(q, 9);
    const low = q.drained();
    const lower = q.drained(0.1);
    q.wakeDrained();
    expect(await isDone(low)).toBe(false);
    q.wakeDrained(true);
    expect(await isDone(low)).toBe(true);
    expect(await isDone(lower)).toBe(true);
    expect(q.fill()).toBe(0.9);
  });
});
