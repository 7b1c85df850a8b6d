/**
 * pino's `serializers`: functions that turn the value under a key into what is logged, applied
 * to the top-level keys of a call's fields (after `mixin`) and of `child()` bindings. Also the
 * standard set, `stdSerializers`, for integrations and users who want pino's names.
 */

import type { SerializerSet } from '../config/facade-options.js';
import {
  type SerializedRequest,
  type SerializedResponse,
  serializeRequest,
  serializeResponse,
} from '../record/http-values.js';
import { readProperty } from '../record/read-property.js';

export type { Serializer, Serializers } from '../config/facade-options.js';

/**
 * The standard serializers, named like pino's `stdSerializers`:
 * - `req`: {@link serializeRequest} (method, url with secret query values censored, route,
 *   remote address/port, an allowlist of headers with secret ones censored);
 * - `res`: {@link serializeResponse} (status code, an allowlist of headers);
 * - `err`: the Error itself, unchanged: podlog writes an Error as the OTel `exception.*`
 *   attributes (type, message, stacktrace, cause, own properties), so it needs no flattening.
 *
 * Without any serializer podlog already writes raw requests and responses safely (see
 * docs/http-values.md); use these to get the nested pino shape (`req.method`, `req.url`…)
 * instead of the semantic-convention attributes.
 */
export const stdSerializers: Readonly<{
  req: (req: unknown) => SerializedRequest;
  res: (res: unknown) => SerializedResponse;
  err: <E>(err: E) => E;
}> = Object.freeze({
  req: (req: unknown) => serializeRequest(req),
  res: (res: unknown) => serializeResponse(res),
  err: <E>(err: E): E => err,
});

/**
 * `fields` with each serializer of `serializers` applied to the value under its key (a key
 * whose value is `undefined` is skipped, as pino does). `fields` is copied first, once, when a
 * serializer applies, unless `owned` says it is already the caller's own copy to write into.
 * Values are read safely (a throwing getter reads as `THROWING_GETTER`); a throwing serializer
 * logs its value as "[Unserializable]" and reports to `onError`.
 */
export function applySerializers(
  serializers: SerializerSet,
  fields: object,
  onError: (err: unknown) => void,
  owned = false,
): object {
  let out = owned ? (fields as Record<string, unknown>) : undefined;
  for (const key of serializers.keys) {
    const value = readProperty(fields, key);
    if (value === undefined) continue;
    out ??= copyFields(fields);
    const serialize = serializers.byKey[key];
    try {
      out[key] = serialize(value);
    } catch (err) {
      onError(err);
      out[key] = '[Unserializable]';
    }
  }
  return out ?? fields;
}

/** A plain copy of `source`'s own enumerable keys, each read safely. */
export function copyFields(source: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  copyInto(out, source);
  return out;
}

/** Copies `source`'s own enumerable keys into `out`, each read safely. */
export function copyInto(out: Record<string, unknown>, source: object): void {
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = readProperty(source, keys[i]);
}
