import { ByteWriter } from './byte-writer.js';
import { writeKeyValue } from './encode-value.js';
import { T_VALUES } from './otlp-tags.js';
import { Redactor } from './redact.js';
import type { EncodedResource, EncodedScope } from './types.js';
import { newWalkState } from './walk-state.js';

// InstrumentationScope: name 1, version 2.
const T_NAME = 0x0a;
const T_VERSION = 0x12;

/** Resource attributes are the operator's own: no redaction applies to them. */
const NO_REDACTION = new Redactor({ defaults: false, keys: [], paths: [] });

/** Encodes an `InstrumentationScope` once per logger name. */
export function encodeScope(name: string, version = ''): EncodedScope {
  const w = new ByteWriter(256);
  if (name) {
    w.byte(T_NAME);
    w.string(name);
  }
  if (version) {
    w.byte(T_VERSION);
    w.string(version);
  }
  return Object.freeze({ name, version, bytes: w.copy() });
}

/** Encodes a `Resource` from flat attributes. Called once per resource change, not per record. */
export function encodeResource(attributes: Record<string, string | number | boolean>): EncodedResource {
  const w = new ByteWriter(1024);
  const state = newWalkState(undefined, NO_REDACTION);
  // Resource.attributes is field 1, the same tag as a KeyValueList entry.
  for (const key of Object.keys(attributes).sort()) {
    writeKeyValue(w, T_VALUES, key, attributes[key], state, 0, undefined);
  }
  return Object.freeze({ attributes: Object.freeze({ ...attributes }), bytes: w.copy() });
}
