/**
 * The batch stage, for tests and tools: everything its files export. Code inside src/ imports
 * the file it needs, not this barrel (a stage never imports its own barrel).
 */
export * from './body-pool.js';
export * from './create-sink.js';
export * from './drops.js';
export * from './loose-records.js';
export * from './memory-queue.js';
export * from './options.js';
export * from './pipeline.js';
export * from './process-hooks.js';
export * from './replay.js';
export * from './spill.js';
export * from './types.js';
