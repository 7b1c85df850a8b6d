/**
 * Request ids: taken from the incoming header when it looks like one (a gateway or the
 * calling service set it, so one id follows the request across services), else made here.
 * A header value that does not look like an id is not trusted: it could carry log injection
 * (newlines), a huge string or a secret someone put in the wrong header.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE_ID = /^[A-Za-z0-9\-_.:/+=@]{1,128}$/;

/** True when `value` is a usable request id: 1–128 characters of `A-Z a-z 0-9 - _ . : / + = @`. */
export function isSaneRequestId(value: unknown): value is string {
  return typeof value === 'string' && SANE_ID.test(value);
}

/** The request id of `req`: its `header` when sane, else a fresh UUID. */
export function requestIdFrom(req: IncomingMessage, header: string | false): string {
  if (header !== false) {
    const v = req.headers[header];
    const first = Array.isArray(v) ? v[0] : v;
    if (isSaneRequestId(first)) return first;
  }
  return randomUUID();
}
