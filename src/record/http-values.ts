/**
 * HTTP and network objects as log values. A raw `IncomingMessage` is 8–30 KB of Node internals
 * once walked, and its `rawHeaders` carry the Authorization and Cookie values past key-based
 * redaction; a `ServerResponse` carries `Set-Cookie` in `_header`. So the value encoder never
 * walks them: it asks {@link httpValueOf} first and writes the compact shape instead.
 *
 * Shapes (see docs/http-values.md):
 * - a request (node:http / http2 server request, Fastify Request, fetch/undici `Request`,
 *   node:http `ClientRequest`): `{ method, url, route?, remoteAddress?, remotePort?, headers }`;
 * - a response (node:http / http2 server response, Fastify Reply, fetch `Response`):
 *   `{ statusCode, headers }`;
 * - fetch `Headers`: the header subset itself;
 * - a socket (`net.Socket`, `tls.TLSSocket`): `{ remoteAddress, remotePort }`;
 * - any other EventEmitter (stream, server, agent…): the string `"[EventEmitter Server]"`.
 *
 * Headers are an allowlist ({@link REQUEST_HEADERS}, {@link RESPONSE_HEADERS}); the secret ones
 * ({@link SENSITIVE_HEADERS}, and any header the `redact` keys match) are kept as the censor so
 * a reader sees they were sent, never their value. Query-string values whose name looks secret
 * (`token`, `api_key`, `sig`, `code`…) are censored too. Every string is capped, so a shape
 * stays under ~2 KB whatever the request carried.
 *
 * Detection is by prototype and duck typing and runs only for objects that are not plain
 * (`Object.prototype` / `null` prototype objects never reach it).
 */
import { EventEmitter } from 'node:events';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DEFAULT_REDACTOR, DEFAULT_SECRET_WORDS, REDACTED, type Redactor, splitWords } from './redact.js';

/** Request headers kept (lower case). Others are left out: a compact record, no surprises. */
export const REQUEST_HEADERS: readonly string[] = Object.freeze([
  'host',
  'user-agent',
  'content-type',
  'content-length',
  'accept',
  'referer',
  'origin',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'x-request-id',
  'x-correlation-id',
  'traceparent',
]);

/** Response headers kept (lower case). */
export const RESPONSE_HEADERS: readonly string[] = Object.freeze([
  'content-type',
  'content-length',
  'location',
  'retry-after',
  'x-request-id',
]);

/** Headers whose value is always replaced by the censor (when present). */
export const SENSITIVE_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

/**
 * Query parameter words whose values are censored (in addition to the `redact` key rules): the
 * default secret words, and the ones that carry secrets in URLs.
 */
const SENSITIVE_QUERY_WORDS = new Set([
  ...DEFAULT_SECRET_WORDS,
  'pwd',
  'key',
  'auth',
  'sig',
  'signature',
  'code',
  'session',
  'sessionid',
  'credential',
  'credentials',
  'jwt',
]);

/** Longest header value and URL kept, in UTF-16 code units. */
const MAX_HEADER_VALUE = 256;
const MAX_URL = 1024;
/** Header characters per shape; past it, further headers are left out. */
const MAX_HEADER_CHARS = 1024;

/** Options of the exported serializers. */
export interface HttpValueOptions {
  /** @internal Rules deciding which header names and query parameters are secret (the logger's). */
  redactor?: Redactor;
}

/** The compact shape of an HTTP request. */
export interface SerializedRequest {
  method: string | undefined;
  /** Path and query, secret query values censored. */
  url: string | undefined;
  /** The route pattern, where the framework knows it (`/users/:id`). */
  route?: string;
  remoteAddress?: string;
  remotePort?: number;
  headers: Record<string, string>;
}

/** The compact shape of an HTTP response. */
export interface SerializedResponse {
  statusCode: number | undefined;
  headers: Record<string, string>;
}

type Kind = 'request' | 'response' | 'headers' | 'socket' | 'emitter' | 'client-request';

const REQUEST_HEADER_SET = new Set(REQUEST_HEADERS);
const RESPONSE_HEADER_SET = new Set(RESPONSE_HEADERS);
const SENSITIVE_HEADER_SET = new Set(SENSITIVE_HEADERS);

/** What kind of HTTP/network object `value` is, if any. Cheap: prototype checks, one property read. */
function kindOf(value: object): Kind | undefined {
  if (value instanceof EventEmitter) {
    if (isNodeRequest(value)) return 'request';
    if (isNodeServerResponse(value)) return 'response';
    if ('setHeader' in value && value instanceof nodeHttp().ClientRequest) return 'client-request';
    if (isOutgoingMessage(value)) return 'response';
    if ('remoteAddress' in value && value instanceof nodeNet().Socket) return 'socket';
    return 'emitter';
  }
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (tag === 'Request' && typeof (value as Request).headers?.get === 'function') return 'request';
  if (tag === 'Response' && typeof (value as Response).headers?.get === 'function') return 'response';
  if (tag === 'Headers' && typeof (value as Headers).get === 'function') return 'headers';
  // Fastify's Request/Reply wrap the node objects as `.raw`.
  const raw = (value as { raw?: unknown }).raw;
  if (raw !== null && typeof raw === 'object') {
    if (isNodeRequest(raw)) return 'request';
    if (isNodeServerResponse(raw)) return 'response';
  }
  return undefined;
}

/**
 * The value to encode in place of `value` when it is an HTTP or network object (see the module
 * comment): a small plain object, or a marker string. `undefined` for any other object.
 * May throw on a hostile object (the encoder rolls back).
 */
export function httpValueOf(value: object, redactor: Redactor): object | string | undefined {
  let kind: Kind | undefined;
  try {
    kind = kindOf(value);
  } catch {
    return undefined; // a hostile Proxy: not ours; the encoder walks it (each key read safely)
  }
  return kind === undefined ? undefined : SHAPE_OF[kind](value, redactor);
}

/** What {@link httpValueOf} writes for each kind (see the module comment). */
const SHAPE_OF: Record<Kind, (value: object, redactor: Redactor) => object | string> = {
  request: requestShape,
  response: responseShape,
  'client-request': clientRequestShape,
  headers: (value, redactor) => pickHeaders(value, REQUEST_HEADER_SET, redactor),
  socket: (value) => ({
    remoteAddress: str((value as Socket).remoteAddress),
    remotePort: (value as Socket).remotePort,
  }),
  emitter: (value) => `[EventEmitter ${constructorName(value)}]`,
};

/**
 * `'req'` or `'res'` when `value` is an HTTP request or response, else `undefined`: the key
 * pino logs a lone request/response argument under (`log.info(req)` is `log.info({ req })`).
 * Never throws.
 */
export function httpMessageKey(value: object): 'req' | 'res' | undefined {
  try {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return undefined; // plain: the common case
    const kind = kindOf(value);
    return kind === 'request' ? 'req' : kind === 'response' ? 'res' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A request (node:http, http2, Express, Fastify, fetch/undici `Request`) as the compact shape
 * podlog logs: method, path and query (secret query values censored), route where known, the
 * client's address and port, and an allowlist of headers with secret ones censored.
 * Never throws: an unreadable request gives `{ method: undefined, url: undefined, headers: {} }`.
 */
export function serializeRequest(req: unknown, options?: HttpValueOptions): SerializedRequest {
  return safeShape(req, options, requestShape) ?? { method: undefined, url: undefined, headers: {} };
}

/**
 * A response (node:http, http2, Express, Fastify Reply, fetch `Response`) as the compact shape
 * podlog logs: the status code and an allowlist of headers (`Set-Cookie` censored). Never throws.
 */
export function serializeResponse(res: unknown, options?: HttpValueOptions): SerializedResponse {
  return safeShape(res, options, responseShape) ?? { statusCode: undefined, headers: {} };
}

/** `shape(value)`, or `undefined` when `value` is not an object or reading it threw (a hostile object). */
function safeShape<T>(
  value: unknown,
  options: HttpValueOptions | undefined,
  shape: (value: object, redactor: Redactor) => T,
): T | undefined {
  try {
    if (value !== null && typeof value === 'object')
      return shape(value, options?.redactor ?? DEFAULT_REDACTOR);
  } catch {}
  return undefined;
}

/**
 * The OpenTelemetry semantic-convention attributes of a request or response: what podlog
 * writes for a top-level field named `req`/`request`/`res`/`response` (pino's
 * `log.info({ req, res })` habit): `http.request.method`, `url.path`, `url.query`, `http.route`,
 * `client.address`, `client.port`, `user_agent.original`, `http.request.header.<name>`;
 * `http.response.status_code`, `http.response.header.<name>`. `undefined` when `value` is not
 * an HTTP request or response (or reading it threw). Header values are string arrays, as the
 * conventions ask. Never throws.
 */
export function httpAttributesOf(value: unknown): Record<string, unknown> | undefined;
/** @internal With the logger's redaction rules. */
export function httpAttributesOf(value: unknown, redactor: Redactor): Record<string, unknown> | undefined;
export function httpAttributesOf(
  value: unknown,
  redactor: Redactor = DEFAULT_REDACTOR,
): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    const kind = kindOf(value);
    if (kind === 'request') return requestAttributes(requestShape(value, redactor));
    if (kind === 'response') return responseAttributes(responseShape(value, redactor));
  } catch {
    // a hostile object: not ours to flatten; the value encoder writes it (or "[Unserializable]")
  }
  return undefined;
}

/**
 * {@link httpAttributesOf} for a top-level field: only under the keys `req`, `request`, `res`,
 * `response`; `undefined` for any other key or value.
 */
export function httpFieldAttributes(
  key: string,
  value: unknown,
  redactor: Redactor,
): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined; // the common case first
  if (key !== 'req' && key !== 'res' && key !== 'request' && key !== 'response') return undefined;
  return httpAttributesOf(value, redactor);
}

function requestAttributes(shape: SerializedRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (shape.method !== undefined) out['http.request.method'] = shape.method;
  if (shape.url !== undefined) {
    const q = shape.url.indexOf('?');
    out['url.path'] = q < 0 ? shape.url : shape.url.slice(0, q);
    if (q >= 0 && q < shape.url.length - 1) out['url.query'] = shape.url.slice(q + 1);
  }
  if (shape.route !== undefined) out['http.route'] = shape.route;
  if (shape.remoteAddress !== undefined) out['client.address'] = shape.remoteAddress;
  if (shape.remotePort !== undefined) out['client.port'] = shape.remotePort;
  const ua = shape.headers['user-agent'];
  if (ua !== undefined) out['user_agent.original'] = ua;
  for (const name of Object.keys(shape.headers)) {
    if (name !== 'user-agent')
      out[REQUEST_HEADER_ATTRIBUTE.get(name) ?? `http.request.header.${name}`] = [shape.headers[name]];
  }
  return out;
}

function responseAttributes(shape: SerializedResponse): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (shape.statusCode !== undefined) out['http.response.status_code'] = shape.statusCode;
  for (const name of Object.keys(shape.headers)) {
    out[RESPONSE_HEADER_ATTRIBUTE.get(name) ?? `http.response.header.${name}`] = [shape.headers[name]];
  }
  return out;
}

/**
 * The attribute name of each header {@link pickHeaders} can keep, made once: a string made once
 * is encoded without flattening a fresh concatenation per record.
 */
const REQUEST_HEADER_ATTRIBUTE = new Map(
  [...REQUEST_HEADERS, ...SENSITIVE_HEADERS].map((name) => [name, `http.request.header.${name}`]),
);
const RESPONSE_HEADER_ATTRIBUTE = new Map(
  [...RESPONSE_HEADERS, ...SENSITIVE_HEADERS].map((name) => [name, `http.response.header.${name}`]),
);

/*
 * node:http, node:http2 and node:net load at the first emitter with the shape of one of their
 * classes (a property its prototype has), not at import (~25 ms of start-up): a value can only be
 * an instance once the app has loaded the module, and a plain emitter or stream never loads them.
 */
let http: typeof import('node:http') | undefined;
let http2: typeof import('node:http2') | undefined;
let net: typeof import('node:net') | undefined;
const nodeHttp = () => (http ??= process.getBuiltinModule('node:http'));
const nodeHttp2 = () => (http2 ??= process.getBuiltinModule('node:http2'));
const nodeNet = () => (net ??= process.getBuiltinModule('node:net'));

function isNodeRequest(v: unknown): boolean {
  if (!(v instanceof EventEmitter) || !('headers' in v)) return false;
  if ('stream' in v && v instanceof nodeHttp2().Http2ServerRequest) return true;
  return v instanceof nodeHttp().IncomingMessage;
}

function isNodeServerResponse(v: unknown): boolean {
  if (!(v instanceof EventEmitter) || !('writeHead' in v)) return false;
  if ('stream' in v && v instanceof nodeHttp2().Http2ServerResponse) return true;
  return v instanceof nodeHttp().ServerResponse;
}

function isOutgoingMessage(v: unknown): boolean {
  return v instanceof EventEmitter && 'setHeader' in v && v instanceof nodeHttp().OutgoingMessage;
}

/** The Node message behind `r`: a framework wrapper's `raw` (Fastify's), else `r` itself. */
function nodeOf<T>(
  r: Record<string, unknown>,
  rawIs: (v: unknown) => boolean,
  selfIs: (v: unknown) => boolean = rawIs,
): T | undefined {
  const raw = r.raw;
  if (rawIs(raw)) return raw as T;
  return selfIs(r) ? (r as T) : undefined;
}

function requestShape(value: object, redactor: Redactor): SerializedRequest {
  const r = value as Record<string, unknown>;
  const node = nodeOf<IncomingMessage>(r, isNodeRequest);
  const method = str(r.method) ?? str(node?.method);
  // Express rewrites req.url inside routers; originalUrl is what the client asked for.
  let url = str(r.originalUrl) ?? str(r.url) ?? str(node?.url);
  if (url !== undefined && node === undefined) url = pathOf(url); // fetch Request: a full URL
  const shape: SerializedRequest = {
    method: method === undefined ? undefined : cap(method, 32),
    url: url === undefined ? undefined : cap(redactQuery(url, redactor), MAX_URL),
    headers: pickHeaders(node !== undefined ? node.headers : r.headers, REQUEST_HEADER_SET, redactor),
  };
  const route = routeOf(r);
  if (route !== undefined) shape.route = cap(route, MAX_URL);
  const socket = node?.socket;
  if (socket != null) {
    const address = str(socket.remoteAddress);
    if (address !== undefined) shape.remoteAddress = cap(address, 64);
    const port = socket.remotePort;
    if (typeof port === 'number') shape.remotePort = port;
  }
  return shape;
}

/** The route pattern: Fastify (`routeOptions.url`, older `routerPath`), Express (`route.path`). */
function routeOf(r: Record<string, unknown>): string | undefined {
  const options = r.routeOptions as { url?: unknown } | undefined;
  const fromFastify = options !== null && typeof options === 'object' ? str(options.url) : undefined;
  if (fromFastify !== undefined) return fromFastify;
  const route = r.route as { path?: unknown } | undefined;
  if (route !== null && typeof route === 'object') {
    const p = route.path;
    if (typeof p === 'string') return `${str(r.baseUrl) ?? ''}${p}`;
  }
  return str(r.routerPath);
}

function responseShape(value: object, redactor: Redactor): SerializedResponse {
  const r = value as Record<string, unknown>;
  // Any outgoing message counts as itself; a wrapper's `raw` only as a server response.
  const node = nodeOf<ServerResponse>(
    r,
    isNodeServerResponse,
    (v) => isOutgoingMessage(v) || isNodeServerResponse(v),
  );
  const status =
    typeof r.statusCode === 'number'
      ? r.statusCode
      : typeof r.status === 'number'
        ? r.status
        : node?.statusCode;
  // getHeaders(): the headers set so far, lower-cased; never `_header` (the raw block).
  const source =
    node === undefined ? r.headers : typeof node.getHeaders === 'function' ? node.getHeaders() : undefined;
  const headers = pickHeaders(source, RESPONSE_HEADER_SET, redactor);
  return { statusCode: typeof status === 'number' ? status : undefined, headers };
}

function clientRequestShape(value: object, redactor: Redactor): object {
  const req = value as ClientRequest;
  const headers = typeof req.getHeaders === 'function' ? req.getHeaders() : undefined;
  return {
    method: str(req.method),
    url: typeof req.path === 'string' ? cap(redactQuery(req.path, redactor), MAX_URL) : undefined,
    host: str(req.host),
    headers: pickHeaders(headers, REQUEST_HEADER_SET, redactor),
  };
}

/**
 * The allowlisted headers of `source` (a plain headers object, or a fetch `Headers`), secret
 * ones censored. Arrays (`set-cookie`) are joined with `, `.
 */
function pickHeaders(
  source: unknown,
  allow: ReadonlySet<string>,
  redactor: Redactor,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (source === null || typeof source !== 'object') return out;
  // A node headers object holds strings and arrays only, so a `get` method means fetch `Headers`.
  // No closures here: this runs for every completion record of podlog/http.
  const fetchHeaders = typeof (source as Headers).get === 'function' ? (source as Headers) : undefined;
  let used = 0;
  for (const name of allow) {
    const secret = redactor.hasKeyRules && redactor.matchesKey(name);
    used = addHeader(out, name, headerOf(source, fetchHeaders, name), secret, redactor, used);
  }
  for (const name of SENSITIVE_HEADER_SET) {
    if (!allow.has(name))
      used = addHeader(out, name, headerOf(source, fetchHeaders, name), true, redactor, used);
  }
  return out;
}

function headerOf(source: object, fetchHeaders: Headers | undefined, name: string): unknown {
  return fetchHeaders !== undefined ? fetchHeaders.get(name) : (source as Record<string, unknown>)[name];
}

/** Adds header `name` (when it has a value and fits in {@link MAX_HEADER_CHARS}); returns the characters used. */
function addHeader(
  out: Record<string, string>,
  name: string,
  v: unknown,
  secret: boolean,
  redactor: Redactor,
  used: number,
): number {
  if (v === undefined || v === null) return used;
  const text = secret ? redactor.censor || REDACTED : cap(headerText(v), MAX_HEADER_VALUE);
  if (used + name.length + text.length > MAX_HEADER_CHARS) return used;
  out[name] = text;
  return used + name.length + text.length;
}

function headerText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

/** `url` with the values of secret-looking query parameters censored. */
export function redactQuery(url: string): string;
/** @internal With the logger's redaction rules. */
export function redactQuery(url: string, redactor: Redactor): string;
export function redactQuery(url: string, redactor: Redactor = DEFAULT_REDACTOR): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  const censor = redactor.censor || REDACTED;
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    let name = part.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // keep it as written
    }
    if (!isSecretParam(name, redactor)) return part;
    changed = true;
    return `${part.slice(0, eq)}=${censor}`;
  });
  // The fragment never reaches a server; from a client-side URL it is dropped (it may hold tokens).
  if (!changed && hash < 0) return url;
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

function isSecretParam(name: string, redactor: Redactor): boolean {
  if (redactor.hasKeyRules && redactor.matchesKey(name)) return true;
  for (const word of splitWords(name)) if (SENSITIVE_QUERY_WORDS.has(word)) return true;
  return false;
}

/** Path and query of an absolute URL (fetch `Request.url`); the input when it does not parse. */
function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return url;
  const slash = url.indexOf('/', scheme + 3);
  if (slash < 0) {
    const q = url.indexOf('?', scheme + 3);
    return q < 0 ? '/' : `/${url.slice(q)}`;
  }
  return url.slice(slash);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function cap(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function constructorName(value: object): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'EventEmitter';
  } catch {
    return 'EventEmitter';
  }
}
