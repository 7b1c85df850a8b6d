/**
 * The record stage, for tests and tools: everything its files export. Code inside src/ imports
 * the file it needs, not this barrel (a stage never imports its own barrel).
 */
export * from './byte-writer.js';
export * from './clock.js';
export * from './encode-bindings.js';
export * from './encode-record.js';
export * from './encode-scope.js';
export * from './error-entries.js';
export * from './format-line.js';
export * from './http-values.js';
export * from './level-table.js';
export * from './options.js';
export * from './read-property.js';
export * from './redact.js';
export * from './types.js';
export * from './value-limits.js';
