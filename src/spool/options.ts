/**
 * Spool options and their resolution (`spool` option, `PODLOG_SPOOL_DIR`). Off unless a
 * directory is given. Validated once at `createLogger`.
 */
import {
  finiteNumber,
  integer,
  milliseconds,
  nonEmptyString,
  oneOf,
  optionGroup,
} from '../config/validate.js';

/** How hard the spool pushes appended batches to stable storage. */
export type Durability = 'interval' | 'always' | 'none';

/** Options of the disk spool (`createLogger({ spool: { dir } })`). */
export interface SpoolOptions {
  /** Directory of the spool (created 0700). Env: `PODLOG_SPOOL_DIR`. No default: the spool is off without it. */
  dir?: string;
  /** Disk budget; beyond it the oldest segment is evicted, counted as `spool_full`. Default 256 MiB. */
  maxBytes?: number;
  /** Batches older than this are evicted, counted as `expired`. Default 24 h. */
  maxAgeMs?: number;
  /**
   * `interval` (default): fdatasync every `syncIntervalMs`; `always`: an append resolves after its
   * fdatasync; `none`: leave it to the OS. See the README for what each loses.
   */
  durability?: Durability;
  /** fdatasync period of `durability: 'interval'`. Default 250 ms. */
  syncIntervalMs?: number;
  /** Segment size before rotation. Default maxBytes / 16, between 64 KiB and 16 MiB. */
  segmentBytes?: number;
  /** Segment age before rotation. Default maxAgeMs / 8, at most 1 h. */
  segmentAgeMs?: number;
  /** Replay pacing: requests per second. Default 20. */
  requestsPerSecond?: number;
  /** Replay pacing: uncompressed body bytes per second. Default 8 MiB/s. */
  bytesPerSecond?: number;
  /** Bound of the quarantine folder for batches the backend refused for good. Default 16 MiB. */
  quarantineMaxBytes?: number;
}

export interface SpoolConfig {
  readonly dir: string;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly durability: Durability;
  readonly syncIntervalMs: number;
  readonly segmentBytes: number;
  readonly segmentAgeMs: number;
  readonly requestsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly quarantineMaxBytes: number;
}

const MiB = 1024 * 1024;
/** The keys of `spool` (unknown ones are refused). */
export const SPOOL_OPTION_KEYS = Object.keys({
  dir: true,
  maxBytes: true,
  maxAgeMs: true,
  durability: true,
  syncIntervalMs: true,
  segmentBytes: true,
  segmentAgeMs: true,
  requestsPerSecond: true,
  bytesPerSecond: true,
  quarantineMaxBytes: true,
} satisfies Record<keyof SpoolOptions, true>);

const DURABILITIES: readonly Durability[] = ['interval', 'always', 'none'];

/**
 * Resolves `options.spool` against `PODLOG_SPOOL_DIR`. Returns undefined when the spool is off
 * (no directory, or `spool: false`).
 */
export function resolveSpoolOptions(
  options: SpoolOptions | false | undefined,
  env: Readonly<Record<string, string | undefined>>,
): SpoolConfig | undefined {
  if (options === false) return undefined;
  const o =
    optionGroup(
      options,
      'spool',
      SPOOL_OPTION_KEYS,
      'an object like { dir: "/var/spool/podlog" }, or false',
    ) ?? {};
  const dir =
    nonEmptyString(o.dir, 'spool.dir', undefined, 'a non-empty directory path') ??
    (env.PODLOG_SPOOL_DIR?.trim() || undefined);
  if (dir === undefined) return undefined;

  const maxBytes = integer(o.maxBytes, 'spool.maxBytes', 256 * MiB, 64 * 1024);
  const maxAgeMs = milliseconds(o.maxAgeMs, 'spool.maxAgeMs', 24 * 3600_000, 1000);
  const defaultSegment = Math.min(16 * MiB, Math.max(64 * 1024, Math.floor(maxBytes / 16)));
  return Object.freeze({
    dir,
    maxBytes,
    maxAgeMs,
    durability: oneOf(o.durability, 'spool.durability', DURABILITIES, 'interval'),
    syncIntervalMs: milliseconds(o.syncIntervalMs, 'spool.syncIntervalMs', 250, 1),
    segmentBytes: integer(o.segmentBytes, 'spool.segmentBytes', defaultSegment, 4096),
    segmentAgeMs: milliseconds(
      o.segmentAgeMs,
      'spool.segmentAgeMs',
      Math.min(3600_000, Math.floor(maxAgeMs / 8)),
      1,
    ),
    requestsPerSecond: finiteNumber(o.requestsPerSecond, 'spool.requestsPerSecond', 20, 0.001),
    bytesPerSecond: finiteNumber(o.bytesPerSecond, 'spool.bytesPerSecond', 8 * MiB, 1),
    quarantineMaxBytes: integer(o.quarantineMaxBytes, 'spool.quarantineMaxBytes', 16 * MiB, 0),
  });
}
