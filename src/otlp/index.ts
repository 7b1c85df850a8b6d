/**
 * The otlp stage, for tests and tools: everything its files export. Code inside src/ imports
 * the file it needs, not this barrel (a stage never imports its own barrel).
 */
export * from './decode-protobuf.js';
export * from './encode-request.js';
export * from './fields.js';
export * from './json.js';
export * from './protobuf.js';
export * from './receive-request.js';
export * from './split-request.js';
export * from './types.js';
