/**
 * The disk spool stage: `openSpool` and `resolveSpoolOptions`, plus the pieces the batch stage
 * and the CLI use (replay pacer, inspection).
 */
import type { Diag } from '../diag.js';
import { DiskSpool } from './disk-spool.js';
import { nodeSpoolFs, type SpoolFs } from './fs.js';
import type { SpoolConfig } from './options.js';
import type { SpoolAccounting } from './types.js';

export { crc32c } from './crc32c.js';
export { DiskSpool } from './disk-spool.js';
export { isSpoolUnavailable, SPOOL_UNAVAILABLE, SpoolUnavailableError } from './errors.js';
export { nodeSpoolFs, type SpoolFs } from './fs.js';
export { inspectSpool, type SpoolReport } from './inspect.js';
export { type Durability, resolveSpoolOptions, type SpoolConfig, type SpoolOptions } from './options.js';
export { createReplayPacer, type ReplayPacer } from './pacer.js';
export type { Spool, SpoolAccounting, SpoolPending } from './types.js';

export interface OpenSpoolOptions extends SpoolConfig {
  /** Where the records the spool finds or loses are counted (`spoolAccounting` in batch/drops.ts). */
  accounting: SpoolAccounting;
  diag: Diag;
  /** File-system layer; tests inject failures here. Default: `node:fs`. */
  fs?: SpoolFs;
  now?: () => number;
  /** Pause after a refused disk write before the next attempt. Default 5 s. */
  retryMs?: number;
}

/**
 * Opens (or creates) a spool directory. Synchronous and never throws: when the disk refuses,
 * the spool warns once, `append` resolves false and the disk is retried later. Data left by an
 * earlier process is recovered in the background (`whenRecovered()`).
 */
export function openSpool(options: OpenSpoolOptions): DiskSpool {
  const { accounting, diag, fs, now, retryMs, ...cfg } = options;
  return new DiskSpool(cfg, { accounting, diag, fs: fs ?? nodeSpoolFs, now, retryMs });
}
