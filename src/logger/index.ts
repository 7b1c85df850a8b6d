/**
 * The logger stage, for tests and tools: everything its files export. Code inside src/ imports
 * the file it needs, not this barrel (a stage never imports its own barrel).
 */
export * from './call-forms.js';
export * from './create-logger.js';
export * from './drop-summary-record.js';
export * from './foreign-record.js';
export * from './format-message.js';
export * from './levels.js';
export * from './logger.js';
export * from './logger-state.js';
export * from './otel-parts.js';
export * from './rate-limit.js';
export * from './request-context.js';
export * from './serializers.js';
export * from './sink-decorators.js';
export * from './tail-buffer.js';
export * from './trace-context.js';
