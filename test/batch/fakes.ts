/**
 * Test doubles at the batch stage's seams: an exporter whose every answer the test decides,
 * an in-memory spool that keeps the accounting contract of `src/spool/types.ts`, records
 * built by hand (so these tests do not depend on the record encoder), and the invariant check.
 */
import { expect } from 'vitest';
import type { Batch, Exporter, ExportOutcome } from '../../src/export/index.js';
import { decodeProtobufRequest } from '../../src/otlp/index.js';
import type { EncodedRecord, EncodedResource, EncodedScope } from '../../src/record/index.js';
import type { Spool, SpoolPending } from '../../src/spool/index.js';
import type { Counters, StatsSnapshot } from '../../src/stats.js';

/** `accepted + recovered = exported + queued + spooled + dropped.total`, and the total adds up. */
export function expectInvariant(s: StatsSnapshot): void {
  const { total, ...byReason } = s.dropped;
  expect(total).toBe(Object.values(byReason).reduce((a, b) => a + b, 0));
  expect(s.accepted + s.recovered).toBe(s.exported + s.queued + s.spooled + total);
  expect(s.queued).toBeGreaterThanOrEqual(0);
  expect(s.spooled).toBeGreaterThanOrEqual(0);
}

/** `n` as protobuf varint bytes (an encoder independent of src/). */
export function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function lenField(field: number, bytes: Uint8Array): number[] {
  return [(field << 3) | 2, ...varint(bytes.length), ...bytes];
}

export const resource: EncodedResource = { attributes: {}, bytes: new Uint8Array(0) };
export const scope: EncodedScope = {
  name: 'test',
  version: '',
  bytes: new Uint8Array(lenField(1, new TextEncoder().encode('test'))),
};

/** A LogRecord whose string body is `body`, padded to about `size` bytes if given. */
export function rec(body: string | number, size = 0): EncodedRecord {
  let text = String(body);
  if (size > text.length + 4) text = text.padEnd(size - 4, '.');
  return { bytes: logRecordBytes(text), scope, resource };
}

/** A LogRecord message (field 5, body) whose body is the string `text`, encoded by hand. */
export function logRecordBytes(text: string): Uint8Array {
  const any = new Uint8Array(lenField(1, new TextEncoder().encode(text)));
  return new Uint8Array(lenField(5, any));
}

/** Bodies of the records in a request body, in order. */
export function bodies(body: Uint8Array): string[] {
  return decodeProtobufRequest(body).resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => String(r.body))),
  );
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const ok = (b: Batch): ExportOutcome => ({ exported: b.count, dropped: {}, undelivered: [] });
export const down = (b: Batch): ExportOutcome => ({ exported: 0, dropped: {}, undelivered: [b] });

/** An exporter that answers `respond` (default: everything exported) and records what it saw. */
export class FakeExporter implements Exporter {
  #healthy = true;
  /** How often `healthy` was read. */
  healthChecks = 0;
  get healthy(): boolean {
    this.healthChecks++;
    return this.#healthy;
  }
  set healthy(v: boolean) {
    this.#healthy = v;
  }
  closed = false;
  readonly calls: Batch[] = [];
  readonly delivered: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Resolved on every call to `export`. */
  private waiters: Array<() => void> = [];
  respond: (batch: Batch, signal?: AbortSignal) => ExportOutcome | Promise<ExportOutcome> = ok;

  async export(batch: Batch, options?: { signal?: AbortSignal }): Promise<ExportOutcome> {
    this.calls.push(batch);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    for (const w of this.waiters.splice(0)) w();
    try {
      const outcome = await this.respond(batch, options?.signal);
      if (outcome.exported > 0) this.delivered.push(...bodies(batch.body).slice(0, outcome.exported));
      return outcome;
    } finally {
      this.inFlight--;
    }
  }

  /** Resolves once `export` has been called at least `n` times in total. */
  async waitForCalls(n: number): Promise<void> {
    while (this.calls.length < n) await new Promise<void>((r) => this.waiters.push(r));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Resolves when the exporter's signal aborts, answering "undelivered". */
export function hangUntilAborted(batch: Batch, signal?: AbortSignal): Promise<ExportOutcome> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve(down(batch));
    signal?.addEventListener('abort', () => resolve(down(batch)), { once: true });
  });
}

/** An in-memory spool keeping the contract: it counts only recovery (here: `preload`). */
export class FakeSpool implements Spool {
  readonly stored: Array<{ batch: Batch; leased: boolean }> = [];
  readonly acked: string[] = [];
  readonly quarantined: string[] = [];
  readonly syncAppends: Batch[] = [];
  /** When false, `append` / `appendSync` refuse (a full or broken disk). */
  accept = true;
  closed = false;

  constructor(counters?: Counters, preload: Batch[] = []) {
    for (const b of preload) {
      this.stored.push({ batch: b, leased: false });
      if (counters) {
        counters.recover(b.count);
      }
    }
  }

  /** Writes before its first await, as the disk spool does; only the "durability" waits. */
  async append(batch: Batch): Promise<boolean> {
    const ok = this.accept && !this.closed;
    if (ok) this.stored.push({ batch, leased: false });
    await Promise.resolve();
    return ok;
  }

  appendSync(batch: Batch): boolean {
    if (this.stored.some((s) => s.batch.id === batch.id)) return true;
    if (!this.accept || this.closed) return false;
    this.stored.push({ batch, leased: false });
    this.syncAppends.push(batch);
    return true;
  }

  async next(): Promise<Batch | undefined> {
    const e = this.stored.find((s) => !s.leased);
    if (!e) return undefined;
    e.leased = true;
    return e.batch;
  }

  async ack(id: string): Promise<void> {
    this.remove(id);
    this.acked.push(id);
  }

  release(id: string): void {
    const e = this.stored.find((s) => s.batch.id === id);
    if (e) e.leased = false;
  }

  async quarantine(id: string): Promise<void> {
    this.remove(id);
    this.quarantined.push(id);
  }

  get pending(): SpoolPending {
    return {
      batches: this.stored.length,
      records: this.stored.reduce((a, s) => a + s.batch.count, 0),
      bytes: this.stored.reduce((a, s) => a + s.batch.body.length, 0),
    };
  }

  /** Bodies of every record on "disk", oldest first. */
  bodies(): string[] {
    return this.stored.flatMap((s) => bodies(s.batch.body));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private remove(id: string): void {
    const i = this.stored.findIndex((s) => s.batch.id === id);
    if (i >= 0) this.stored.splice(i, 1);
  }
}
