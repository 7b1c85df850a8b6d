import { ByteWriter } from './byte-writer.js';
import { RecordEncoder, T_VALUES } from './encode-record.js';
import { readProperty } from './read-property.js';
import { NO_REDACTOR } from './redact.js';
import type { EncodedResource, EncodedScope } from './types.js';

// InstrumentationScope: name 1, version 2, attributes 3.
const T_NAME = 0x0a;
const T_VERSION = 0x12;
const T_SCOPE_ATTRIBUTES = 0x1a;
// ScopeLogs.schema_url: field 3, length-delimited.
const T_SCHEMA_URL = 0x1a;

/** What a scope may carry beyond name and version (OTel `getLogger(name, version, options)`). */
interface ScopeExtras {
  /** Scope attributes (`InstrumentationScope.attributes`). */
  readonly attributes?: object;
  /** The schema URL of the scope's records (`ScopeLogs.schema_url`). */
  readonly schemaUrl?: string;
}

/** Encodes an `InstrumentationScope` once per logger name (or per foreign scope). */
export function encodeScope(name: string, version = '', extras?: ScopeExtras): EncodedScope {
  const w = new ByteWriter(256);
  if (name) {
    w.byte(T_NAME);
    w.string(name);
  }
  if (version) {
    w.byte(T_VERSION);
    w.string(version);
  }
  const attributes = extras?.attributes;
  if (attributes !== undefined && attributes !== null) {
    const encoder = new RecordEncoder(w, undefined, NO_REDACTOR);
    // The caller's object (OTel `getLogger` options): a throwing getter must not cost its records.
    for (const key of Object.keys(attributes)) {
      encoder.keyValue(T_SCOPE_ATTRIBUTES, key, readProperty(attributes, key), 0, undefined);
    }
  }
  const schemaUrl = typeof extras?.schemaUrl === 'string' ? extras.schemaUrl : '';
  let schemaUrlField: Uint8Array | undefined;
  if (schemaUrl) {
    const s = new ByteWriter(64);
    s.byte(T_SCHEMA_URL);
    s.string(schemaUrl);
    schemaUrlField = s.copy();
  }
  return Object.freeze({ name, version, bytes: w.copy(), schemaUrlField });
}

/** Encodes a `Resource` from flat attributes. Called once per resource change, not per record. */
export function encodeResource(attributes: Record<string, string | number | boolean>): EncodedResource {
  const w = new ByteWriter(1024);
  const encoder = new RecordEncoder(w, undefined, NO_REDACTOR);
  // Resource.attributes is field 1, the same tag as a KeyValueList entry.
  for (const key of Object.keys(attributes).sort()) {
    encoder.keyValue(T_VALUES, key, attributes[key], 0, undefined);
  }
  return Object.freeze({ attributes: Object.freeze({ ...attributes }), bytes: w.copy() });
}
