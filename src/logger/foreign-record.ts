/**
 * Internal (not part of the public API): the entry point for records from other logging APIs (winston, the OTel Logs
 * API, captured console calls): the record shape they hand over and the symbol-keyed
 * `Logger` method that takes it. Kept apart from the `Logger` class so integrations can
 * depend on this contract alone. Not tagged internal for the typings (stripInternal would drop
 * declarations other modules import); the typings leave them out anyway, as the `Logger`
 * members that use them are stripped.
 */
import type { SpanContextLike } from './trace-context.js';

/**
 * Internal: a record that comes from another logging API: its severity, time, trace context
 * and event name are given, not taken from the call.
 */
export interface ForeignRecord {
  severityNumber: number;
  severityText: string;
  body?: unknown;
  /** Own enumerable keys become attributes (redacted and limited like fields). */
  attributes?: object;
  exception?: Error;
  /** Default: now. */
  timeUnixNano?: bigint;
  /** Default: now. */
  observedTimeUnixNano?: bigint;
  /** `undefined`: the active span's, as for a log call; `null`: none. */
  spanContext?: SpanContextLike | null;
  eventName?: string;
  /**
   * The record's instrumentation scope as the other API gives it (an OTel SDK
   * `instrumentationScope`). Default: the logger's own scope. Encoded once per object.
   */
  scope?: ForeignScope;
  /**
   * The resource the other API attached (an OTel SDK `Resource`), merged with podlog's
   * (see otel-parts.ts for the precedence). Default: podlog's resource. Encoded once per object.
   */
  resource?: ForeignResource;
  /**
   * True: the source already filtered by its own level (an OTel bridge); podlog's level does
   * not apply to this record (the rate limiter still does).
   */
  ignoreLevel?: boolean;
}

/** An instrumentation scope from another API: the OTel `InstrumentationScope` shape. */
export interface ForeignScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
  readonly attributes?: object;
}

/** A resource from another API: anything with attributes (an OTel `Resource`). */
export interface ForeignResource {
  readonly attributes: object;
}

/**
 * Internal: key of `Logger`'s method for integrations. `Symbol.for`, so the ESM and CJS
 * builds (two copies of this module in one process) agree on it.
 */
export const EMIT_FOREIGN: unique symbol = Symbol.for('podlog.emitForeign') as never;
