/**
 * The attributes of a request's completion record, named after the OpenTelemetry HTTP
 * semantic conventions. Only these: no headers, no query string, no body, so nothing secret
 * a client sent (Authorization, Cookie, `?token=`) or the app answered (Set-Cookie) can end
 * up in the record, and the record stays small whatever the request looks like.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fields } from '../../logger/call-forms.js';

/** Methods the semantic conventions know; any other is reported as `_OTHER`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** Longest `url.path` / `user_agent.original` kept: a request line can be 16 KB of anything. */
const MAX_PATH = 1024;
const MAX_USER_AGENT = 256;

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** `req.url` without its query string or fragment (they often carry tokens). */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  let end = url.length;
  const q = url.indexOf('?');
  if (q >= 0) end = q;
  const h = url.indexOf('#');
  if (h >= 0 && h < end) end = h;
  return url.slice(0, end);
}

/** What one request's completion record says about it. */
export interface RequestFacts {
  req: IncomingMessage;
  res: ServerResponse;
  /** Route template (`/orders/:id`), when the framework knows it. */
  route: string | undefined;
  /** Path as the app saw it before any router rewrote `req.url` (Express mounts do). */
  path: string;
  durationNs: bigint;
  err: Error | undefined;
  aborted: boolean;
}

/** The completion record's attributes. */
export function requestAttributes(f: RequestFacts): Fields {
  const { req, res } = f;
  const method = typeof req.method === 'string' ? req.method.toUpperCase() : '';
  const out: Fields = {
    'http.request.method': KNOWN_METHODS.has(method) ? method : '_OTHER',
    'url.path': cut(f.path, MAX_PATH),
  };
  if (f.route !== undefined) out['http.route'] = cut(f.route, MAX_PATH);
  out['http.response.status_code'] = res.statusCode;
  const client = req.socket?.remoteAddress;
  if (client !== undefined) out['client.address'] = client;
  const ua = req.headers['user-agent'];
  if (typeof ua === 'string') out['user_agent.original'] = cut(ua, MAX_USER_AGENT);
  // Seconds, as the semantic conventions' `http.server.request.duration` metric.
  out['http.server.request.duration'] = Number(f.durationNs) / 1e9;
  if (f.err !== undefined) {
    out['error.type'] = errorType(f.err);
    out.err = f.err;
  } else if (f.aborted) out['error.type'] = 'aborted';
  else if (res.statusCode >= 500) out['error.type'] = String(res.statusCode);
  return out;
}

function errorType(err: Error): string {
  try {
    const name = err.constructor?.name ?? err.name;
    return typeof name === 'string' && name !== '' ? name : 'Error';
  } catch {
    return 'Error';
  }
}
