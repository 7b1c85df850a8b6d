/**
 * Shared pieces of the spool tests: temp dirs, deterministic batches, and a tiny stand-in for
 * the batch stage that moves the counters the way the accounting contract says.
 */
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spoolAccounting } from '../../src/batch/index.js';
import { createDiag, type Diag } from '../../src/diag.js';
import type { Batch } from '../../src/export/index.js';
import type { DiskSpool, SpoolFs } from '../../src/spool/index.js';
import { type OpenSpoolOptions, openSpool, resolveSpoolOptions } from '../../src/spool/index.js';
import { Counters } from '../../src/stats.js';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'podlog-spool-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The real file system, but `beforeWrite(n)` runs before the n-th write (from 1) into a segment
 * file opened through it: it may throw (a refused write) or kill the process.
 */
export function segmentWriteFs(beforeWrite: (n: number) => void): SpoolFs {
  const segFds = new Set<number>();
  let writes = 0;
  return {
    ...fs,
    openSync: ((path: fs.PathLike, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
      if (String(path).endsWith('.seg')) segFds.add(fd);
      return fd;
    }) as typeof fs.openSync,
    writeSync: ((fd: number, ...rest: unknown[]) => {
      if (segFds.has(fd)) beforeWrite(++writes);
      return (fs.writeSync as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof fs.writeSync,
  } as unknown as SpoolFs;
}

/** A batch whose body encodes its number, so a replayed body can be checked byte for byte. */
export function makeBatch(i: number, size = 64): Batch {
  const body = Buffer.alloc(size);
  body.writeUInt32LE(i, 0);
  for (let k = 4; k < size; k++) body[k] = (i * 31 + k) & 0xff;
  return { id: `b-${i}`, count: (i % 5) + 1, body };
}

export function batchNumber(b: Batch): number {
  return Buffer.from(b.body).readUInt32LE(0);
}

export function isIntact(b: Batch): boolean {
  const i = batchNumber(b);
  const expected = makeBatch(i, b.body.length);
  return (
    b.id === expected.id &&
    b.count === expected.count &&
    Buffer.from(b.body).equals(Buffer.from(expected.body))
  );
}

export interface Harness {
  spool: DiskSpool;
  counters: Counters;
  lines: string[];
  diag: Diag;
  /** What the batch stage does around `append`. */
  spoolIt(b: Batch): Promise<boolean>;
  /** Drains everything with next → ack; returns the batches in order. */
  drain(): Promise<Batch[]>;
  invariant(): void;
}

export function harness(
  dir: string,
  overrides: Partial<Omit<OpenSpoolOptions, 'accounting'>> & {
    counters?: Counters;
    spool?: Parameters<typeof resolveSpoolOptions>[0];
  } = {},
): Harness {
  const counters = overrides.counters ?? new Counters();
  const lines: string[] = [];
  const diag = createDiag({ sink: (line) => lines.push(line), intervalMs: 0 });
  const cfg = resolveSpoolOptions({ dir, ...overrides.spool }, {})!;
  const { spool: _s, counters: _c, ...rest } = overrides;
  const spool = openSpool({ ...cfg, diag, ...rest, accounting: spoolAccounting(counters) });
  const h: Harness = {
    spool,
    counters,
    lines,
    diag,
    async spoolIt(b) {
      counters.accept(b.count, 'queued');
      const ok = await spool.append(b);
      if (ok) counters.spilled(b.count);
      else counters.drop('disk_error', b.count, 'queued');
      return ok;
    },
    async drain() {
      const out: Batch[] = [];
      for (;;) {
        const b = await spool.next();
        if (!b) return out;
        out.push(b);
        await spool.ack(b.id);
        counters.delivered(b.count, 'spooled');
      }
    },
    invariant() {
      const c = counters;
      const right = c.exported + c.queued + c.spooled + c.droppedTotal();
      if (c.accepted + c.recovered !== right) {
        throw new Error(
          `invariant broken: accepted ${c.accepted} + recovered ${c.recovered} != ${right} (${JSON.stringify(c)})`,
        );
      }
    },
  };
  return h;
}
