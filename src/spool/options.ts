/**
 * Spool options (`spool` option, `PODLOG_SPOOL_DIR`), declared once as a schema
 * (config/schema.ts). Off unless a directory is given. Validated once at `createLogger`.
 */
import * as opt from '../config/schema.js';
import { optionGroup } from '../config/validate.js';
import type { Env } from '../env.js';

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

const MiB = 1024 * 1024;
const DURABILITIES: readonly Durability[] = ['interval', 'always', 'none'];

export const SPOOL_OPTIONS = {
  dir: opt.str({
    env: 'PODLOG_SPOOL_DIR',
    accepts: 'a non-empty directory path',
    defaultText: 'none: no directory, no spool',
  }),
  maxBytes: opt.int({ min: 64 * 1024, default: 256 * MiB }),
  maxAgeMs: opt.ms({ min: 1000, default: 24 * 3600_000 }),
  durability: opt.choice(DURABILITIES, { default: 'interval' }),
  syncIntervalMs: opt.ms({ min: 1, default: 250 }),
  segmentBytes: opt.int({
    min: 4096,
    default: (r) => Math.min(16 * MiB, Math.max(64 * 1024, Math.floor((r.maxBytes as number) / 16))),
    defaultText: '`maxBytes` / 16, 64 KiB–16 MiB',
  }),
  segmentAgeMs: opt.ms({
    min: 1,
    default: (r) => Math.min(3600_000, Math.floor((r.maxAgeMs as number) / 8)),
    defaultText: '`maxAgeMs` / 8, at most 1 h',
  }),
  requestsPerSecond: opt.num({ min: 0.001, default: 20 }),
  bytesPerSecond: opt.num({ min: 1, default: 8 * MiB }),
  quarantineMaxBytes: opt.int({ min: 0, default: 16 * MiB }),
} satisfies Record<keyof SpoolOptions, opt.OptionSpec>;

export type SpoolConfig = opt.Resolved<typeof SPOOL_OPTIONS> & { readonly dir: string };

/**
 * Resolves `options.spool` against `PODLOG_SPOOL_DIR`. Returns undefined when the spool is off
 * (no directory, or `spool: false`).
 */
export function resolveSpoolOptions(
  options: SpoolOptions | false | undefined,
  env: Env,
): SpoolConfig | undefined {
  if (options === false) return undefined;
  const o =
    optionGroup(
      options,
      'spool',
      Object.keys(SPOOL_OPTIONS),
      'an object like { dir: "/var/spool/podlog" }, or false',
    ) ?? {};
  // No directory, no spool: its other fields are only checked when it is on.
  if (o.dir === undefined && !env.PODLOG_SPOOL_DIR?.trim()) return undefined;
  return opt.resolveFields(SPOOL_OPTIONS, o, 'spool', env) as SpoolConfig;
}
