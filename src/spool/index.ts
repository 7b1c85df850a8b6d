/**
 * The disk spool stage: `openSpool` and `resolveSpoolOptions`, plus the replay pacer the batch
 * stage uses.
 */
export { crc32c } from './format.js';
export { type Durability, resolveSpoolOptions, type SpoolConfig, type SpoolOptions } from './options.js';
export { createReplayPacer, type ReplayPacer } from './pacer.js';
export { DiskSpool, type OpenSpoolOptions, openSpool } from './spool.js';
export type { Spool, SpoolAccounting, SpoolPending } from './types.js';
