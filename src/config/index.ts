/**
 * The config stage, for tests and tools: everything its files export. Code inside src/ imports
 * the file it needs, not this barrel (a stage never imports its own barrel).
 */
export * from './facade-options.js';
export * from './level-spec.js';
export * from './options.js';
export * from './rate-limit.js';
export * from './resolve.js';
export * from './schema.js';
export * from './tail.js';
export * from './validate.js';
