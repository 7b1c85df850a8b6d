/**
 * Export options and their resolution against the standard `OTEL_EXPORTER_OTLP_*` env vars.
 * Code wins over env; env wins over defaults. Validated once; nothing downstream reads env.
 */
import type { Dispatcher } from 'undici';
import * as opt from '../config/schema.js';
import { isPlainObject, optionGroup } from '../config/validate.js';
import { type Env, firstEnv, otlpEnv, parseKeyValueList } from '../env.js';
import { InvalidOptionError, notShown } from '../errors.js';
import { decoded, exportSecrets } from './display-url.js';

// node:fs's CJS object: an ESM import evaluates fs.promises and the streams (docs/performance.md).
const { readFileSync } = process.getBuiltinModule('node:fs');

/** Retry budget of one batch (see "Retries" in the README). */
export interface RetryOptions {
  /**
   * Attempts per request, the first included. Default 12 (with the 2-s backoff ceiling, about
   * 10 s of failed probes; `maxElapsedMs` bounds it too).
   */
  maxAttempts?: number;
  /** Give up on a batch this long after its first attempt (it goes to the spool). Default 20 000 ms. */
  maxElapsedMs?: number;
  /** First backoff ceiling; it doubles per consecutive failure (full jitter). Default 500 ms. */
  initialDelayMs?: number;
  /**
   * Backoff ceiling, i.e. the longest wait for the next probe of a failing backend. Default
   * 2 000 ms: a backend back up is noticed within 2 s, before the queue fills (a `Retry-After`
   * from the backend still wins, up to `maxRetryAfterMs`).
   */
  maxDelayMs?: number;
  /** Largest `Retry-After` honoured; longer asks are clamped to it. Default 60 000 ms. */
  maxRetryAfterMs?: number;
}

/** TLS of an `https://` endpoint. PEM strings/Buffers, or paths of PEM files (read at `createLogger`). */
export interface TlsOptions {
  /** CA certificate(s) to trust instead of Node's bundle. Env: `OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE`. */
  ca?: string | Buffer;
  /** Client certificate for mTLS. Env: `OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE`. */
  cert?: string | Buffer;
  /** Client private key for mTLS. Env: `OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY`. */
  key?: string | Buffer;
  /** Verify the server certificate. Default `true`; `false` prints a warning at start. */
  rejectUnauthorized?: boolean;
}

/** Options of the OTLP/HTTP exporter, given at the top level of `createLogger` options. */
export interface ExportOptions {
  /**
   * Full URL of the OTLP/HTTP logs endpoint, used as given (include the path, usually
   * `/v1/logs`; a URL without a path gets a warning at `createLogger`).
   * Env: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (as given), else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`.
   * Default `http://localhost:4318/v1/logs` (what `podlog receive` listens on).
   *
   * User-info (`https://user:pass@host/v1/logs`) is sent as `Authorization: Basic …`
   * (percent-decoded) and removed from the URL; an `authorization` header given in `headers`
   * or the headers env vars wins over it. It is never printed.
   */
  endpoint?: string;
  /** Extra request headers (auth). Env: `OTEL_EXPORTER_OTLP_LOGS_HEADERS` / `OTEL_EXPORTER_OTLP_HEADERS`. Values are never printed. */
  headers?: Record<string, string>;
  /** Wire encoding. Env: `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`. Default `http/protobuf`. */
  protocol?: Protocol;
  /** Request compression. Env: `OTEL_EXPORTER_OTLP_LOGS_COMPRESSION` / `OTEL_EXPORTER_OTLP_COMPRESSION`. Default `none`. */
  compression?: Compression;
  /** Per-request timeout in ms. Env: `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT` / `OTEL_EXPORTER_OTLP_TIMEOUT`. Default 10 000. */
  timeoutMs?: number;
  /**
   * Requests in flight at once (keep-alive connections), which is also the number of batches in
   * flight (live and spool replay together). 1–64, default 2.
   */
  maxConcurrentRequests?: number;
  /**
   * Largest request body before compression: batches are cut at 1 MiB, or at this when lower;
   * a body still bigger (`http/json` text) is split. Default 4 MiB.
   */
  maxRequestBytes?: number;
  /** Retry budget per batch. */
  retry?: RetryOptions;
  /** TLS for `https://` endpoints: private CA, mTLS. */
  tls?: TlsOptions;
  /**
   * HTTP(S) proxy URL, or `false` to ignore the proxy env vars.
   * Env: `HTTPS_PROXY` (https endpoints) / `HTTP_PROXY` (http endpoints), lower-case first; `NO_PROXY`.
   */
  proxy?: string | false;
  /**
   * An undici `Dispatcher` to send through instead of podlog's own keep-alive pool, e.g.
   * `otlpHandlers(...).dispatcher` from `podlog/testing`, so msw sees the requests. podlog
   * does not close a dispatcher it was given. `tls`, `proxy` and `maxConcurrentRequests` do
   * not apply to it.
   */
  dispatcher?: Dispatcher;
}

/** OTLP/HTTP wire encoding: binary protobuf (`application/x-protobuf`) or JSON (`application/json`). */
export type Protocol = 'http/protobuf' | 'http/json';
/** Request body compression: `gzip` (`content-encoding: gzip`) or `none`. */
export type Compression = 'gzip' | 'none';

const PROTOCOLS: readonly Protocol[] = ['http/protobuf', 'http/json'];
const COMPRESSIONS: readonly Compression[] = ['gzip', 'none'];

/** Requests (and batches) in flight at once, unless `maxConcurrentRequests` says otherwise. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 2;

const RETRY_OPTIONS = {
  maxAttempts: opt.int({ min: 1, default: 12 }),
  maxElapsedMs: opt.ms({ min: 0, default: 20_000 }),
  initialDelayMs: opt.ms({ min: 0, default: 500 }),
  maxDelayMs: opt.ms({
    min: 0,
    default: (r) => Math.max(2_000, r.initialDelayMs as number),
    defaultText: '`2000` (or `retry.initialDelayMs` if larger)',
  }),
  maxRetryAfterMs: opt.ms({ min: 0, default: 60_000 }),
} satisfies Record<keyof RetryOptions, opt.OptionSpec>;

const PEM_INPUT = 'PEM text \\| Buffer \\| file path';

const TLS_OPTIONS = {
  ca: opt.custom({ accepts: PEM_INPUT, env: otlpEnv('CERTIFICATE'), defaultText: "Node's CA bundle" }),
  cert: opt.custom({ accepts: PEM_INPUT, env: otlpEnv('CLIENT_CERTIFICATE'), defaultText: 'none' }),
  key: opt.custom({ accepts: PEM_INPUT, env: otlpEnv('CLIENT_KEY'), defaultText: 'none' }),
  rejectUnauthorized: opt.bool({ default: true }),
} satisfies Record<keyof TlsOptions, opt.OptionSpec>;

/** A caller-owned dispatcher, or undefined (the default) to build podlog's own. */
const DISPATCHER: opt.CheckedSpec<Dispatcher | undefined> = {
  accepts: 'Dispatcher',
  defaultText: "podlog's pool",
  check: checkDispatcher,
};

export const EXPORT_OPTIONS = {
  endpoint: opt.custom({
    accepts: 'http(s) URL',
    envText: '`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (as is), else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`',
    defaultText: '`http://localhost:4318/v1/logs`',
  }),
  headers: opt.custom({ accepts: 'object', env: otlpEnv('HEADERS'), defaultText: 'none' }),
  protocol: opt.choice(PROTOCOLS, {
    default: 'http/protobuf',
    env: otlpEnv('PROTOCOL'),
    refused: {
      grpc: "'http/protobuf' or 'http/json': podlog speaks OTLP/HTTP only; point it at the collector's HTTP port (4318) instead of gRPC (4317)",
    },
  }),
  compression: opt.choice(COMPRESSIONS, { default: 'none', env: otlpEnv('COMPRESSION') }),
  timeoutMs: opt.ms({ min: 1, default: 10_000, env: otlpEnv('TIMEOUT') }),
  maxConcurrentRequests: opt.int({ min: 1, max: 64, default: DEFAULT_MAX_CONCURRENT_REQUESTS }),
  maxRequestBytes: opt.int({ min: 1024, default: 4 * 1024 * 1024 }),
  retry: opt.group(RETRY_OPTIONS, 'an object like { maxAttempts, maxElapsedMs, initialDelayMs, maxDelayMs }'),
  tls: opt.custom({ accepts: 'object', group: TLS_OPTIONS }),
  proxy: opt.custom({
    accepts: 'URL \\| `false`',
    envText:
      '`https_proxy` / `HTTPS_PROXY` (https endpoints), `http_proxy` / `HTTP_PROXY` (http endpoints); `no_proxy` / `NO_PROXY`',
    defaultText: 'direct',
  }),
  dispatcher: DISPATCHER,
} satisfies Record<keyof ExportOptions, opt.OptionSpec>;

export type RetryConfig = opt.Resolved<typeof RETRY_OPTIONS>;

/** The resolved export options. */
export type ExportConfig = ReturnType<typeof resolveExportOptions>;

/**
 * An http(s) URL, or `InvalidOptionError` naming `option`. The value may carry user:password or
 * a token in its query: InvalidOptionError shows it without. `proxy`: a value without a scheme
 * is an http URL (`proxy:3128`, as curl reads a proxy).
 */
function parseHttpUrl(value: unknown, option: string, proxy = false): URL {
  let url: URL | undefined;
  try {
    const text = proxy && typeof value === 'string' && !value.includes('://') ? `http://${value}` : value;
    url = typeof text === 'string' ? new URL(text) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const example = proxy ? 'proxy URL, e.g. http://proxy:3128' : 'URL, e.g. http://localhost:4318/v1/logs';
    throw new InvalidOptionError(option, value, `an http:// or https:// ${example}`);
  }
  return url;
}

export function resolveExportOptions(options: ExportOptions, env: Env) {
  let endpoint: URL;
  if (options.endpoint !== undefined) endpoint = parseHttpUrl(options.endpoint, 'endpoint');
  else if (env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) {
    endpoint = parseHttpUrl(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
  } else if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const base = parseHttpUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    endpoint = new URL(`${base.href.replace(/\/+$/, '')}/v1/logs`);
  } else endpoint = new URL('http://localhost:4318/v1/logs');

  const headers = resolveHeaders(options.headers, env);
  const basic = basicAuthorization(endpoint);
  const explicitAuth = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  if (basic !== undefined && !explicitAuth) headers.authorization = basic;

  const resolved = opt.resolveFields(EXPORT_OPTIONS, options, '', env);
  const { initialDelayMs, maxDelayMs } = resolved.retry;
  if (maxDelayMs < initialDelayMs) {
    throw new InvalidOptionError(
      'retry.maxDelayMs',
      maxDelayMs,
      `a value >= retry.initialDelayMs (${initialDelayMs})`,
    );
  }
  const tls = resolveTlsOptions(options.tls, env);
  const proxy = resolveProxy(options.proxy, endpoint, env);
  const secrets = Object.freeze(exportSecrets(headers, endpoint, proxy));
  endpoint.username = '';
  endpoint.password = '';
  return Object.freeze({
    ...resolved,
    /** The endpoint without user-info (that became an `authorization` header). */
    endpoint,
    /** What must never be printed ({@link exportSecrets}): masked in every diagnostic. */
    secrets,
    /** The endpoint had user-info, but an explicit `authorization` header won over it. */
    userInfoIgnored: basic !== undefined && explicitAuth,
    headers: Object.freeze(headers),
    /** `TlsOptions` resolved: PEM contents (files read), verification on unless turned off. */
    tls,
    /** Proxy to go through, or undefined for a direct connection. */
    proxy,
  });
}

/**
 * `Basic base64(user:password)` from the URL's user-info (RFC 7617; both parts percent-decoded,
 * as curl and undici's ProxyAgent do), or undefined when it has none.
 */
function basicAuthorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const pair = `${decoded(url.username)}:${decoded(url.password)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** The `OTEL_EXPORTER_OTLP_*HEADERS` env var's headers, then the `headers` option's over them. */
function resolveHeaders(value: unknown, env: Env): Record<string, string> {
  const headers: Record<string, string> = {};
  const fromEnv = firstEnv(env, otlpEnv('HEADERS'));
  if (fromEnv) {
    const list = parseKeyValueList(fromEnv.value);
    if (!('pairs' in list)) {
      // The list holds credentials: the error shows no value.
      throw new InvalidOptionError(
        fromEnv.option,
        notShown(fromEnv.value, 'values not shown'),
        list.problem === 'not-pairs'
          ? 'a comma-separated list of key=value pairs'
          : 'key=value pairs with valid percent-encoding',
      );
    }
    for (const [k, v] of Object.entries(list.pairs)) {
      checkHeader(k, v, fromEnv.option);
      headers[k] = v;
    }
  }
  if (value === undefined) return headers;
  if (!isPlainObject(value)) {
    throw new InvalidOptionError('headers', value, 'an object of header name → string value');
  }
  for (const [k, v] of Object.entries(value)) {
    checkHeader(k, v, `headers.${k}`);
    headers[k] = v as string;
  }
  return headers;
}

/** RFC 9110 `token`: the characters a header name may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What undici accepts in a value: tab, visible ASCII, space, and obs-text (0x80–0xFF). */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Headers podlog or undici set themselves; a second copy would break the request. */
const MANAGED = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'expect',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Throws `InvalidOptionError` naming `option` (`headers.<name>` or the env var) unless `name`
 * is a valid, not podlog-managed header name and `value` a string without control characters.
 * A header undici refuses would otherwise fail every request of every batch, forever, long
 * after start. Errors name the header, never its value (it is usually a credential).
 */
function checkHeader(name: string, value: unknown, option: string): void {
  if (!TOKEN.test(name)) {
    throw new InvalidOptionError(
      option,
      name.length > 40 ? notShown(name) : name,
      "a header name made of letters, digits and !#$%&'*+-.^_`|~ (no spaces, colons or line breaks)",
    );
  }
  if (MANAGED.has(name.toLowerCase())) {
    throw new InvalidOptionError(
      option,
      name,
      'a header podlog does not set itself (not connection, content-*, expect, keep-alive, transfer-encoding, upgrade)',
    );
  }
  if (typeof value !== 'string') {
    throw new InvalidOptionError(option, notShown(value), `a string value for header ${name}`);
  }
  if (BAD_VALUE_CHAR.test(value)) {
    throw new InvalidOptionError(
      option,
      notShown(value, 'has a control character or a character above U+00FF; value not shown'),
      `a value for header ${name} without CR, LF, NUL or other control characters`,
    );
  }
}

function checkDispatcher(value: unknown, option: string): Dispatcher {
  const d = value as Partial<Dispatcher> | null;
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.dispatch !== 'function' ||
    typeof d.request !== 'function'
  ) {
    throw new InvalidOptionError(option, value, 'an undici Dispatcher (Pool, Agent, MockAgent, …)');
  }
  return value as Dispatcher;
}

/**
 * TLS settings of an `https://` endpoint: private CA and mTLS client certificate, from options
 * or the standard `OTEL_EXPORTER_OTLP_[LOGS_]CERTIFICATE / CLIENT_CERTIFICATE / CLIENT_KEY`
 * file paths. Files are read once, at `createLogger`, so a typo fails fast.
 */
function resolveTlsOptions(options: TlsOptions | undefined, env: Env) {
  const keys = Object.keys(TLS_OPTIONS);
  const o = optionGroup(options, 'tls', keys, `an object like { ${keys.join(', ')} }`) ?? {};
  const [ca, cert, key] = (['ca', 'cert', 'key'] as const).map((k) =>
    o[k] !== undefined ? { value: o[k], option: `tls.${k}` } : firstEnv(env, TLS_OPTIONS[k].env ?? []),
  );
  // mTLS needs both halves.
  if (cert && !key) throw missingHalf('tls.key', 'client key', cert.option, 'CLIENT_KEY');
  if (key && !cert) throw missingHalf('tls.cert', 'client certificate', key.option, 'CLIENT_CERTIFICATE');
  const { rejectUnauthorized } = opt.resolveFields(TLS_OPTIONS, o, 'tls', env);
  return Object.freeze({
    ca: ca && loadPem(ca.value, ca.option),
    cert: cert && loadPem(cert.value, cert.option),
    key: key && loadPem(key.value, key.option),
    rejectUnauthorized,
  });
}

const PEM = '-----BEGIN';

function loadPem(value: unknown, option: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  // A client key given inline but malformed is still key material: never echo it in an error.
  const shown = /key/i.test(option) && typeof value === 'string' ? notShown(value) : value;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(option, shown, 'PEM text, a Buffer, or the path of a PEM file');
  }
  if (value.includes(PEM)) return Buffer.from(value);
  let content: Buffer;
  try {
    content = readFileSync(value);
  } catch (err) {
    throw new InvalidOptionError(
      option,
      shown,
      `the path of a readable PEM file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  if (!content.includes(PEM)) {
    throw new InvalidOptionError(option, shown, 'a PEM file (one with -----BEGIN … lines)');
  }
  return content;
}

function missingHalf(option: string, what: string, given: string, variable: string): InvalidOptionError {
  const hint = `a ${what} to go with ${given} (${option} or OTEL_EXPORTER_OTLP_LOGS_${variable})`;
  return new InvalidOptionError(option, undefined, hint);
}

/**
 * Whether `NO_PROXY` excludes the endpoint. Entries are comma/space separated: `*` (everything),
 * a host or IP (exact), `.example.com` / `*.example.com` / `example.com` (the domain and its
 * subdomains), each optionally with `:port`.
 */
export function matchesNoProxy(endpoint: URL, noProxy: string): boolean {
  const host = endpoint.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = endpoint.port || (endpoint.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m) {
      entry = m[1];
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry) || host === entry.slice(1)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/**
 * Which proxy, if any, the exporter goes through: the `proxy` option, else `https_proxy` /
 * `HTTPS_PROXY` for https endpoints and `http_proxy` / `HTTP_PROXY` for http ones (lower-case
 * first, as curl does), unless `NO_PROXY` / `no_proxy` matches the endpoint host.
 *
 * Not undici's `EnvHttpProxyAgent`, which picks per request inside the dispatcher: podlog
 * decides once, at `createLogger`, so a bad proxy URL fails fast (naming the variable) and the
 * proxy's credentials are known to the masking. It also differs where podlog follows curl: an
 * IPv6 entry without brackets (`NO_PROXY=::1`) matches `[::1]`, which undici 7 reads as host `:`
 * port 1 and proxies; and `HTTP_PROXY` alone does not proxy an https endpoint.
 */
function resolveProxy(value: string | false | undefined, endpoint: URL, env: Env): URL | undefined {
  if (value === false) return undefined;
  if (value !== undefined) return parseHttpUrl(value, 'proxy', true);
  // Lower case first, as curl reads them.
  const given = firstEnv(
    env,
    endpoint.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'],
  );
  if (!given) return undefined;
  const noProxy = firstEnv(env, ['no_proxy', 'NO_PROXY']);
  if (noProxy && matchesNoProxy(endpoint, noProxy.value)) return undefined;
  return parseHttpUrl(given.value, given.option, true);
}
