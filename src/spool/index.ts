/**
 * The disk spool stage: `openSpool` and `resolveSpoolOptions`, plus the pieces the batch stage
 * and the CLI use (replay pacer, inspection).
 */
import { DiskSpool, type OpenSpoolOptions } from './disk-spool.js';

export { crc32c } from './crc32c.js';
export { DiskSpool, type OpenSpoolOptions } from './disk-spool.js';
export { isSpoolUnavailable, SPOOL_UNAVAILABLE, SpoolUnavailableError } from './errors.js';
export { nodeSpoolFs, type SpoolFs } from './fs.js';
export { inspectSpool, type SpoolReport } from './inspect.js';
export { type Durability, resolveSpoolOptions, type SpoolConfig, type SpoolOptions } from './options.js';
export { createReplayPacer, type ReplayPacer } from './pacer.js';
export type { Spool, SpoolAccounting, SpoolPending } from './types.js';

/**
 * Opens (or creates) a spool directory. Synchronous and never throws: when the disk refuses,
 * the spool warns once, `append` resolves false and the disk is retried later. Data left by an
 * earlier process is recovered in the background (`whenRecovered()`).
 */
export function openSpool(options: OpenSpoolOptions): DiskSpool {
  return new DiskSpool(options);
}
