/**
 * The record as it travels through podlog: already encoded. A log call turns its arguments
 * into OTLP `LogRecord` bytes once; every later stage moves bytes, so queue limits are exact
 * and a batch is a concatenation.
 */

/** An instrumentation scope (the logger name), encoded once per logger. */
export interface EncodedScope {
  readonly name: string;
  readonly version: string;
  /** `InstrumentationScope` message bytes (name, version, attributes). */
  readonly bytes: Uint8Array;
  /**
   * `ScopeLogs.schema_url` (field 3) as a tagged field, ready to copy next to the scope field;
   * absent when the scope has no schema URL. It lives on ScopeLogs, not on the scope message,
   * so framing writes it; scope identity still groups the records.
   */
  readonly schemaUrlField?: Uint8Array;
}

/** A resource (who is logging), encoded once per change of the resource. */
export interface EncodedResource {
  /** Resource attributes as plain values, for diagnostics, stdout and the testing kit. */
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** `Resource` message bytes. */
  readonly bytes: Uint8Array;
}

/** One log record, encoded. Identity of `scope` and `resource` groups records in a request. */
export interface EncodedRecord {
  /** `LogRecord` message bytes (no tag, no length prefix). */
  readonly bytes: Uint8Array;
  readonly scope: EncodedScope;
  readonly resource: EncodedResource;
}

/** A logger's bindings (or a request's context fields), encoded once: see `encodeBindings`. */
export interface EncodedBindings {
  /** Concatenated `LogRecord.attributes` entries (tag 6 included). */
  readonly bytes: Uint8Array;
  /** Keys in order, one per entry. */
  readonly keys: readonly string[];
  /** Start of entry i at `offsets[i]`; `offsets[keys.length] === bytes.length`. */
  readonly offsets: readonly number[];
  /** Key → entry index. */
  readonly index: ReadonlyMap<string, number>;
  /** Bindings that did not fit the attribute limit. */
  readonly dropped: number;
  /** A value was cut while encoding. */
  readonly truncated: boolean;
}
