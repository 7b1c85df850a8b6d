/**
 * Export options and their resolution against the standard `OTEL_EXPORTER_OTLP_*` env vars.
 * Code wins over env; env wins over defaults. Validated once; nothing downstream reads env.
 */
import type { Dispatcher } from 'undici';
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';
import { resolveProxy } from './proxy.js';
import { resolveTlsOptions, type TlsConfig, type TlsOptions } from './tls-options.js';

export type { TlsOptions } from './tls-options.js';

/** Retry budget of one batch (see "Retries" in the README). */
export interface RetryOptions {
  /** Attempts per request, the first included. Default 6. */
  maxAttempts?: number;
  /** Give up on a batch this long after its first attempt (it goes to the spool). Default 20 000 ms. */
  maxElapsedMs?: number;
  /** First backoff ceiling; it doubles per consecutive failure (full jitter). Default 500 ms. */
  initialDelayMs?: number;
  /** Backoff ceiling. Default 5 000 ms. */
  maxDelayMs?: number;
  /** Largest `Retry-After` honoured; longer asks are clamped to it. Default 60 000 ms. */
  maxRetryAfterMs?: number;
}

/** Options of the OTLP/HTTP exporter, given at the top level of `createLogger` options. */
export interface ExportOptions {
  /**
   * Full URL of the OTLP/HTTP logs endpoint.
   * Env: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`.
   * Default `http://localhost:4318/v1/logs` (what `podlog receive` listens on).
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
  /** Requests in flight at once (keep-alive connections). Default 2. */
  maxConcurrentRequests?: number;
  /** Largest request body before compression; bigger batches are cut. Default 4 MiB. */
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

export type Protocol = 'http/protobuf' | 'http/json';
export type Compression = 'gzip' | 'none';

export interface RetryConfig {
  readonly maxAttempts: number;
  readonly maxElapsedMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
}

export interface ExportConfig {
  readonly endpoint: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocol: Protocol;
  readonly compression: Compression;
  readonly timeoutMs: number;
  readonly maxConcurrentRequests: number;
  readonly maxRequestBytes: number;
  readonly retry: RetryConfig;
  readonly tls: TlsConfig;
  /** Proxy to go through, or undefined for a direct connection. */
  readonly proxy: URL | undefined;
  /** A caller-owned dispatcher, or undefined to build podlog's own. */
  readonly dispatcher: Dispatcher | undefined;
}

export type { Env } from '../env.js';

/** Parses the OTel `k=v,k2=v2` header list (values percent-decoded). */
export function parseKeyValueList(text: string, option: string): Record<string, string> {
  // The list holds credentials: an error names the bad entry's key at most, never a value.
  const shown = `${text.length} characters (values not shown)`;
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new InvalidOptionError(option, shown, 'a comma-separated list of key=value pairs');
    try {
      out[decodeURIComponent(trimmed.slice(0, eq).trim())] = decodeURIComponent(trimmed.slice(eq + 1).trim());
    } catch {
      throw new InvalidOptionError(option, shown, 'key=value pairs with valid percent-encoding');
    }
  }
  return out;
}

function parseUrl(value: unknown, option: string): URL {
  if (typeof value !== 'string')
    throw new InvalidOptionError(option, value, 'an http:// or https:// URL string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidOptionError(
      option,
      value,
      'an http:// or https:// URL, e.g. http://localhost:4318/v1/logs',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionError(option, value, 'an http:// or https:// URL');
  }
  return url;
}

export function resolveExportOptions(options: ExportOptions, env: Env): ExportConfig {
  let endpoint: URL;
  if (options.endpoint !== undefined) endpoint = parseUrl(options.endpoint, 'endpoint');
  else if (env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) {
    endpoint = parseUrl(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
  } else if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const base = parseUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    endpoint = new URL(`${base.href.replace(/\/+$/, '')}/v1/logs`);
  } else endpoint = new URL('http://localhost:4318/v1/logs');

  let headers: Record<string, string> = {};
  const envHeaders = env.OTEL_EXPORTER_OTLP_LOGS_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS;
  if (envHeaders) {
    headers = parseKeyValueList(
      envHeaders,
      env.OTEL_EXPORTER_OTLP_LOGS_HEADERS ? 'OTEL_EXPORTER_OTLP_LOGS_HEADERS' : 'OTEL_EXPORTER_OTLP_HEADERS',
    );
  }
  if (options.headers !== undefined) {
    if (typeof options.headers !== 'object' || options.headers === null) {
      throw new InvalidOptionError('headers', options.headers, 'an object of header name → string value');
    }
    for (const [k, v] of Object.entries(options.headers)) {
      if (typeof v !== 'string') throw new InvalidOptionError(`headers.${k}`, v, 'a string');
      headers[k] = v;
    }
  }
  return Object.freeze({
    endpoint,
    headers: Object.freeze(headers),
    protocol: resolveProtocol(options.protocol, env),
    compression: resolveCompression(options.compression, env),
    timeoutMs: resolveTimeout(options.timeoutMs, env),
    maxConcurrentRequests: int(options.maxConcurrentRequests, 'maxConcurrentRequests', 2, 1, 64),
    maxRequestBytes: int(options.maxRequestBytes, 'maxRequestBytes', 4 * 1024 * 1024, 1024),
    retry: resolveRetry(options.retry),
    tls: resolveTlsOptions(options.tls, env),
    proxy: resolveProxy(options.proxy, endpoint, env),
    dispatcher: resolveDispatcher(options.dispatcher),
  });
}

function resolveDispatcher(value: unknown): Dispatcher | undefined {
  if (value === undefined) return undefined;
  const d = value as Partial<Dispatcher> | null;
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.dispatch !== 'function' ||
    typeof d.request !== 'function'
  ) {
    throw new InvalidOptionError('dispatcher', value, 'an undici Dispatcher (Pool, Agent, MockAgent, …)');
  }
  return value as Dispatcher;
}

function int(
  value: unknown,
  option: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** Code, then the signal-specific env var, then the generic one. */
function fromEnv(env: Env, name: string): { value: string; option: string } | undefined {
  const specific = `OTEL_EXPORTER_OTLP_LOGS_${name}`;
  const generic = `OTEL_EXPORTER_OTLP_${name}`;
  if (env[specific]?.trim()) return { value: env[specific].trim(), option: specific };
  if (env[generic]?.trim()) return { value: env[generic].trim(), option: generic };
  return undefined;
}

function resolveProtocol(value: unknown, env: Env): Protocol {
  const given = value !== undefined ? { value, option: 'protocol' } : fromEnv(env, 'PROTOCOL');
  if (!given) return 'http/protobuf';
  if (given.value === 'http/protobuf' || given.value === 'http/json') return given.value;
  if (given.value === 'grpc') {
    throw new InvalidOptionError(
      given.option,
      given.value,
      "'http/protobuf' or 'http/json': podlog speaks OTLP/HTTP only; point it at the collector's HTTP port (4318) instead of gRPC (4317)",
    );
  }
  throw new InvalidOptionError(given.option, given.value, "'http/protobuf' (default) or 'http/json'");
}

function resolveCompression(value: unknown, env: Env): Compression {
  const given = value !== undefined ? { value, option: 'compression' } : fromEnv(env, 'COMPRESSION');
  if (!given) return 'none';
  if (given.value === 'gzip' || given.value === 'none') return given.value;
  throw new InvalidOptionError(given.option, given.value, "'gzip' or 'none'");
}

function resolveTimeout(value: unknown, env: Env): number {
  if (value !== undefined) return int(value, 'timeoutMs', 10_000, 1);
  const given = fromEnv(env, 'TIMEOUT');
  if (!given) return 10_000;
  if (!/^\d+$/.test(given.value) || Number(given.value) < 1) {
    throw new InvalidOptionError(
      given.option,
      given.value,
      'a whole number of milliseconds >= 1, e.g. 10000',
    );
  }
  return Number(given.value);
}

function resolveRetry(value: RetryOptions | undefined): RetryConfig {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new InvalidOptionError(
      'retry',
      value,
      'an object like { maxAttempts, maxElapsedMs, initialDelayMs, maxDelayMs }',
    );
  }
  const o = value ?? {};
  const initialDelayMs = int(o.initialDelayMs, 'retry.initialDelayMs', 500, 0);
  const maxDelayMs = int(o.maxDelayMs, 'retry.maxDelayMs', Math.max(5_000, initialDelayMs), 0);
  if (maxDelayMs < initialDelayMs) {
    throw new InvalidOptionError(
      'retry.maxDelayMs',
      maxDelayMs,
      `a value >= retry.initialDelayMs (${initialDelayMs})`,
    );
  }
  return Object.freeze({
    maxAttempts: int(o.maxAttempts, 'retry.maxAttempts', 6, 1),
    maxElapsedMs: int(o.maxElapsedMs, 'retry.maxElapsedMs', 20_000, 0),
    initialDelayMs,
    maxDelayMs,
    maxRetryAfterMs: int(o.maxRetryAfterMs, 'retry.maxRetryAfterMs', 60_000, 0),
  });
}
