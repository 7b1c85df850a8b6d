/**
 * The resource stage, for tests and tools: everything its files export. Code inside src/ imports
 * the file it needs, not this barrel (a stage never imports its own barrel).
 */
export * from './container-id.js';
export * from './derive.js';
export * from './detect.js';
export * from './env-attributes.js';
export * from './go-quoted.js';
export * from './options.js';
export * from './podinfo.js';
export * from './read-small-file.js';
export * from './types.js';
