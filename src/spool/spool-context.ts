/**
 * What the spool's parts share: configuration, the file system, the accounting, the index and
 * the disk-error report. The parts (writer, leases, cursor, recovery, adoption) take this
 * instead of the `DiskSpool` facade, so none of them imports it back (no cycles) and each one's
 * reach is visible in its signature. Read-only: `dir` and `closed` are the facade's state, seen
 * through getters.
 */
import type { Diag } from '../diag.js';
import type { SpoolFs } from './fs.js';
import type { SpoolConfig } from './options.js';
import type { SpoolIndex } from './spool-index.js';
import type { SpoolAccounting } from './types.js';

export interface SpoolContext {
  readonly cfg: SpoolConfig;
  readonly fs: SpoolFs;
  readonly accounting: SpoolAccounting;
  readonly diag: Diag;
  readonly index: SpoolIndex;
  readonly now: () => number;
  /** How long the disk is left alone after it refused (the `SpoolUnavailableError` hint). */
  readonly retryMs: number;
  /** The directory this process writes (the root, or a `proc-*` sub-directory); undefined until the disk let us open it. */
  readonly dir: string | undefined;
  /** True once `close()` was called; background work stops when it sees it. */
  readonly closed: boolean;
  /** Reports a refused disk operation: warns once per error code and pauses writes for a while. */
  diskError(op: string, err: unknown): void;
}

/**
 * Reports records read back from disk that turned out unusable: recovered (they were counted
 * out of the process that wrote them) and dropped `corrupt` at once, so the accounting
 * invariant holds; one `spool-corrupt` warning says what was found.
 */
export function reportCorrupt(
  spool: Pick<SpoolContext, 'accounting' | 'diag'>,
  records: number,
  what: string,
  /** Damaged places of unknown size among them (see `StatsSnapshot.lossUnknown`). */
  unknown = 0,
): void {
  spool.accounting.foundCorrupt(records, unknown);
  spool.diag.warn('spool-corrupt', what);
}
