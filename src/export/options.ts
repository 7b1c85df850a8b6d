/**
 * Export options and their resolution against the standard `OTEL_EXPORTER_OTLP_*` env vars.
 * Code wins over env; env wins over defaults. Validated once; nothing downstream reads env.
 */
import { InvalidOptionError } from '../errors.js';

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
}

export interface ExportConfig {
  readonly endpoint: URL;
  readonly headers: Readonly<Record<string, string>>;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Parses the OTel `k=v,k2=v2` header list (values percent-decoded). */
export function parseKeyValueList(text: string, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new InvalidOptionError(option, text, 'a comma-separated list of key=value pairs');
    try {
      out[decodeURIComponent(trimmed.slice(0, eq).trim())] = decodeURIComponent(trimmed.slice(eq + 1).trim());
    } catch {
      throw new InvalidOptionError(option, text, 'key=value pairs with valid percent-encoding');
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
  return Object.freeze({ endpoint, headers: Object.freeze(headers) });
}
