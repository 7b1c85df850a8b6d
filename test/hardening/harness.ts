/**
 * Shared pieces of the end-to-end fault tests: a logger wired to a fault server with fast
 * retries and a captured diagnostic sink, a watcher that checks the accounting invariant on
 * every event-loop turn, and delivery bookkeeping that de-duplicates by `podlog-batch-id`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { LoggerOptions } from '../../src/config/index.js';
import type { Logger } from '../../src/logger/index.js';
import { createLogger } from '../../src/logger/index.js';
import type { StatsSnapshot } from '../../src/stats.js';
import type { FaultServer } from '../helpers/fault-server.js';

/** `accepted + recovered = exported + queued + spooled + dropped.total`, or a description of the break. */
export function invariantBroken(s: StatsSnapshot): string | undefined {
  const left = s.accepted + s.recovered;
  const right = s.exported + s.queued + s.spooled + s.dropped.total;
  return left === right ? undefined : `accepted+recovered ${left} != ${right}: ${JSON.stringify(s)}`;
}

export function expectInvariant(s: StatsSnapshot): void {
  expect(invariantBroken(s)).toBeUndefined();
}

export interface Harnessed {
  log: Logger;
  /** Every diagnostic line, as given to the sink. */
  diag: string[];
  /** Stops the invariant watcher; returns the violations it saw (empty when none). */
  stopWatch(): string[];
  /** Most records seen on disk at once by the watcher. */
  readonly peakSpooled: number;
}

/** A logger for `server` with fast retries, small batches and a diag capture. */
export function faultLogger(server: { endpoint: string }, options: LoggerOptions = {}): Harnessed {
  const diag: string[] = [];
  const log = createLogger({
    endpoint: server.endpoint,
    env: {},
    stdout: false,
    podinfoDir: false,
    handleExit: false,
    diagnostics: (line) => diag.push(line),
    timeoutMs: 500,
    retry: { maxAttempts: 8, maxElapsedMs: 5_000, initialDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 300 },
    batch: { maxRecords: 25, maxDelayMs: 5 },
    ...options,
  });
  const violations: string[] = [];
  let peakSpooled = 0;
  // Checked between turns of the event loop: the invariant must hold at every observable moment.
  const timer = setInterval(() => {
    const s = log.stats();
    peakSpooled = Math.max(peakSpooled, s.spooled);
    const broken = invariantBroken(s);
    if (broken && violations.length < 5) violations.push(broken);
  }, 1);
  return {
    log,
    diag,
    stopWatch() {
      clearInterval(timer);
      const broken = invariantBroken(log.stats());
      if (broken) violations.push(broken);
      return violations;
    },
    get peakSpooled() {
      return peakSpooled;
    },
  };
}

/** Logs `n` records `{ i }` with a mix of shapes; yields to the loop every 50. */
export async function logNumbered(log: Logger, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    if (i % 3 === 0) log.info('order placed', { i, sku: `sku-${i}`, qty: i % 7 });
    else if (i % 3 === 1) log.warn({ i, nested: { a: [1, 2, { b: 'c' }] } }, 'slow');
    else log.child({ worker: i % 4 }).error('failed', { i, err: new Error(`boom ${i}`) });
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
}

/**
 * Record indices the server accepted (2xx), after de-duplicating whole batches by
 * `podlog-batch-id` (at-least-once delivery: a resend carries the same id).
 * `duplicates` counts records seen again under a batch id already seen.
 */
export function deliveredIndices(server: FaultServer): {
  indices: number[];
  duplicates: number;
  /** podlog's own drop-summary records (event `podlog.dropped`). */
  summaries: number;
} {
  const seenBatch = new Set<string>();
  const out: number[] = [];
  let duplicates = 0;
  let summaries = 0;
  for (const req of server.requests) {
    if (!('status' in req.action) || req.action.status < 200 || req.action.status >= 300) continue;
    const id = String(req.headers['podlog-batch-id'] ?? '');
    const records = (req.decoded?.resourceLogs ?? []).flatMap((rl) =>
      rl.scopeLogs.flatMap((sl) => sl.logRecords),
    );
    if (id && seenBatch.has(id)) {
      duplicates += records.length;
      continue;
    }
    seenBatch.add(id);
    for (const r of records) {
      if (r.attributes.i !== undefined) out.push(Number(r.attributes.i));
      else if (r.eventName === 'podlog.dropped') summaries++;
    }
  }
  return { indices: out.sort((a, b) => a - b), duplicates, summaries };
}

export function tempSpoolDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'podlog-hardening-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, k) => from + k);
