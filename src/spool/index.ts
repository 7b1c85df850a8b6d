/**
 * The disk spool stage, for the batch stage, the CLI, tests and tools: `openSpool`,
 * `resolveSpoolOptions`, the replay pacer, and everything else its files export.
 */
export * from './disk.js';
export * from './format.js';
export * from './inspect.js';
export * from './ledger.js';
export * from './lock.js';
export * from './options.js';
export * from './pacer.js';
export * from './quarantine.js';
export * from './recovery.js';
export * from './spool.js';
export * from './types.js';
export * from './writer.js';
