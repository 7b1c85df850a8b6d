/**
 * The seam between batching/export and the disk. The batch stage owns the counters for
 * records it moves into the spool (`queued -= n; spooled += n` after a successful append)
 * and out of it (`spooled -= n; exported += n` after a 2xx). What only the spool can see
 * (recovery, damage, evictions) it reports through {@link SpoolAccounting}, which the batch
 * stage implements: the spool moves no counter itself.
 *
 * Fine print (what the disk spool does):
 * - Recovery counts damage as `recovered += n; dropped.corrupt += n`, so the invariant holds in
 *   the new process: n is exact when the cursor's segment manifest covers the damage, else a
 *   best guess flagged in `lossUnknown.corrupt` (see `assessDamage` in recovery.ts). Only the
 *   tail of the newest segment counts as a torn write (no loss).
 * - A leased batch whose segment is evicted meanwhile stays the caller's: `ack` → the batch
 *   stage counts it exported as usual; `release` → the spool reports it lost (`spool_full` /
 *   `expired`), since there is nothing left on disk to hand out again.
 * - `append` resolving false moves nothing: the caller keeps or drops the batch (`disk_error`).
 */
import { SPOOL_UNAVAILABLE, type SpoolUnavailableError } from '../errors.js';
import type { DropReason } from '../stats.js';

/** Why the spool itself loses records. */
export type SpoolLossReason = Extract<DropReason, 'spool_full' | 'expired' | 'corrupt'>;

/**
 * How the spool reports the records only it sees come and go, to the owner of the counters
 * (`spoolAccounting` in batch/drops.ts). Counters only: the spool writes its own diagnostic lines.
 */
export interface SpoolAccounting {
  /** Records an earlier process left on disk were indexed: `recovered += n; spooled += n`. */
  recovered(n: number): void;
  /** Spooled records are gone (evicted, expired, unreadable): `spooled -= n; dropped[reason] += n`. */
  lost(reason: SpoolLossReason, n: number): void;
  /**
   * Records an earlier process left were found damaged: `recovered += n; dropped.corrupt += n`,
   * and `lossUnknown.corrupt += unknown` (damaged places of unknown size among them).
   */
  foundCorrupt(n: number, unknown: number): void;
}

/**
 * What the spool keeps: one export batch, exactly as the exporter takes it (structurally the
 * exporter's `Batch`; declared here so the spool, the lowest stage, imports nothing above it).
 */
export interface SpoolBatch {
  /** Stable id, kept across replays so a backend can de-duplicate. */
  readonly id: string;
  /** Number of log records in `body`. */
  readonly count: number;
  /** Protobuf `ExportLogsServiceRequest`, uncompressed. */
  readonly body: Uint8Array;
}

export interface SpoolPending {
  batches: number;
  records: number;
  bytes: number;
}

export interface Spool {
  /**
   * Persists a batch: written (or refused) before the first await, then made durable per the
   * durability mode. Resolves false when the disk refused it.
   */
  append(batch: SpoolBatch): Promise<boolean>;
  /**
   * Synchronous append for `process.exit()` and fatal-exception paths (writeSync + fsyncSync).
   * A batch the spool already holds (an `append` still waiting) is not written again: true.
   */
  appendSync(batch: SpoolBatch): boolean;
  /**
   * The oldest batch neither acknowledged nor currently leased (now leased to the caller).
   *
   * - `undefined` means the spool is empty (or closed): nothing to replay until the next append.
   * - Rejects with `SpoolUnavailableError` (`code === 'PODLOG_SPOOL_UNAVAILABLE'`, see
   *   {@link isSpoolUnavailable}) when it cannot tell: the directory cannot be opened, or the disk
   *   refused to read the oldest batch. Nothing is leased then (there is nothing to release)
   *   and no counter moved; the data is still there. The caller must not treat this as empty:
   *   it pauses (its own retry interval; `retryAfterMs` says how long the disk is left alone)
   *   and calls `next()` again.
   * - Any other rejection is a bug.
   */
  next(): Promise<SpoolBatch | undefined>;
  /** The batch was delivered (or settled for good): it may leave the disk. */
  ack(id: string): Promise<void>;
  /** The batch could not be sent now; it stays first in line for a later `next()`. */
  release(id: string): void;
  /**
   * The backend refused the batch for good (4xx): move it aside (bounded) and settle it. The
   * spool moves bytes only; the batch stage counts the records (`spooled -= n; dropped[reason] += n`).
   */
  quarantine(id: string, reason: string): Promise<void>;
  readonly pending: SpoolPending;
  close(): Promise<void>;
}

/** True for a `SpoolUnavailableError` (by its code, so it also holds across bundles). */
export function isSpoolUnavailable(err: unknown): err is SpoolUnavailableError {
  return (err as { code?: unknown } | null)?.code === SPOOL_UNAVAILABLE;
}
