/**
 * The export stage, for tests and tools: everything its files export. Code inside src/ imports
 * the file it needs, not this barrel (a stage never imports its own barrel).
 */
export * from './display-url.js';
export * from './health-gate.js';
export * from './http-exporter.js';
export * from './options.js';
export * from './response.js';
export * from './transport.js';
export * from './types.js';
