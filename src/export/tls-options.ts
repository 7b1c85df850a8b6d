/**
 * TLS settings of an `https://` endpoint: private CA and mTLS client certificate, from options
 * or the standard `OTEL_EXPORTER_OTLP_[LOGS_]CERTIFICATE / CLIENT_CERTIFICATE / CLIENT_KEY`
 * file paths. Files are read once, at `createLogger`, so a typo fails fast.
 */
import * as opt from '../config/schema.js';
import { firstEnv, optionGroup } from '../config/validate.js';
import { type Env, otlpEnv } from '../env.js';
import { InvalidOptionError, notShown } from '../errors.js';

// node:fs's CJS object: an ESM import evaluates fs.promises and the streams (docs/performance.md).
const { readFileSync } = process.getBuiltinModule('node:fs');

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

/** `TlsOptions` resolved: PEM contents (files read), verification on unless turned off. */
export type TlsConfig = ReturnType<typeof resolveTlsOptions>;

const PEM = '-----BEGIN';

function load(value: unknown, option: string): Buffer {
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

const PEM_INPUT = 'PEM text \\| Buffer \\| file path';

export const TLS_OPTIONS = {
  ca: opt.custom({ accepts: PEM_INPUT, env: otlpEnv('CERTIFICATE'), defaultText: "Node's CA bundle" }),
  cert: opt.custom({ accepts: PEM_INPUT, env: otlpEnv('CLIENT_CERTIFICATE'), defaultText: 'none' }),
  key: opt.custom({ accepts: PEM_INPUT, env: otlpEnv('CLIENT_KEY'), defaultText: 'none' }),
  rejectUnauthorized: opt.bool({ default: true }),
} satisfies Record<keyof TlsOptions, opt.OptionSpec>;

export function resolveTlsOptions(options: TlsOptions | undefined, env: Env) {
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
    ca: ca && load(ca.value, ca.option),
    cert: cert && load(cert.value, cert.option),
    key: key && load(key.value, key.option),
    rejectUnauthorized,
  });
}
