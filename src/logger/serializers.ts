/**
 * pino's `serializers`: functions that turn the value under a key into what is logged, applied
 * to the top-level keys of a call's fields (after `mixin`) and of `child()` bindings. Also the
 * standard set, `stdSerializers`, for integrations and users who want pino's names.
 */
import {
  type SerializedRequest,
  type SerializedResponse,
  serializeRequest,
  serializeResponse,
} from '../record/http-values.js';

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
