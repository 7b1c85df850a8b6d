import * as F from '../otlp/fields.js';
import { LEN, tag, Writer } from '../otlp/protobuf.js';
import { DEFAULT_VALUE_LIMITS, newWalkState, writeKeyValue } from './encode-value.js';
import type { EncodedResource, EncodedScope } from './types.js';

/** Encodes an `InstrumentationScope` once per logger name. */
export function encodeScope(name: string, version = ''): EncodedScope {
  const w = Writer.create();
  if (name) w.uint32(tag(F.InstrumentationScope.name, LEN)).string(name);
  if (version) w.uint32(tag(F.InstrumentationScope.version, LEN)).string(version);
  return Object.freeze({ name, version, bytes: w.finish() });
}

/** Encodes a `Resource` from flat attributes. Called once per resource change, not per record. */
export function encodeResource(attributes: Record<string, string | number | boolean>): EncodedResource {
  const w = Writer.create();
  const state = newWalkState(DEFAULT_VALUE_LIMITS);
  // Resource.attributes is field 1, the same number writeKeyValue writes.
  for (const key of Object.keys(attributes).sort()) writeKeyValue(w, key, attributes[key], state, 0);
  return Object.freeze({ attributes: Object.freeze({ ...attributes }), bytes: w.finish() });
}
