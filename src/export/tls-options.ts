/**
 * TLS settings of an `https://` endpoint: private CA and mTLS client certificate, from options
 * or the standard `OTEL_EXPORTER_OTLP_[LOGS_]CERTIFICATE / CLIENT_CERTIFICATE / CLIENT_KEY`
 * file paths. Files are read once, at `createLogger`, so a typo fails fast.
 */
import { readFileSync } from 'node:fs';
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';

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

export interface TlsConfig {
  readonly ca: Buffer | undefined;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  readonly rejectUnauthorized: boolean;
}

const PEM = '-----BEGIN';

function load(value: unknown, option: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  // A client key given inline but malformed is still key material: never echo it in an error.
  const shown =
    /key/i.test(option) && typeof value === 'string' ? `${value.length} characters (not shown)` : value;
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

function pick(
  given: unknown,
  option: string,
  env: Env,
  name: string,
): { value: unknown; option: string } | undefined {
  if (given !== undefined) return { value: given, option };
  for (const v of [`OTEL_EXPORTER_OTLP_LOGS_${name}`, `OTEL_EXPORTER_OTLP_${name}`]) {
    if (env[v]?.trim()) return { value: env[v].trim(), option: v };
  }
  return undefined;
}

export function resolveTlsOptions(options: TlsOptions | undefined, env: Env): TlsConfig {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidOptionError('tls', options, 'an object like { ca, cert, key, rejectUnauthorized }');
  }
  const o = options ?? {};
  const ca = pick(o.ca, 'tls.ca', env, 'CERTIFICATE');
  const cert = pick(o.cert, 'tls.cert', env, 'CLIENT_CERTIFICATE');
  const key = pick(o.key, 'tls.key', env, 'CLIENT_KEY');
  if (cert && !key) {
    throw new InvalidOptionError(
      'tls.key',
      undefined,
      `a client key to go with ${cert.option} (tls.key or OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY)`,
    );
  }
  if (key && !cert) {
    throw new InvalidOptionError(
      'tls.cert',
      undefined,
      `a client certificate to go with ${key.option} (tls.cert or OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE)`,
    );
  }
  if (o.rejectUnauthorized !== undefined && typeof o.rejectUnauthorized !== 'boolean') {
    throw new InvalidOptionError('tls.rejectUnauthorized', o.rejectUnauthorized, 'true or false');
  }
  return Object.freeze({
    ca: ca && load(ca.value, ca.option),
    cert: cert && load(cert.value, cert.option),
    key: key && load(key.value, key.option),
    rejectUnauthorized: o.rejectUnauthorized ?? true,
  });
}
