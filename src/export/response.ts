/**
 * What an answer (or a transport failure) means for a request, per the OTLP/HTTP spec:
 * 2xx success (maybe partial), 429/502/503/504 and connection failures retryable, 413 too
 * large, anything else a permanent refusal. One deliberate addition to the spec's table
 * (429/502/503/504): 408 Request Timeout is retried like our own request timeout, which the
 * spec does retry. A proxy answering 408 says the upload was too slow, not that the data is
 * bad; refusing it would drop (or quarantine) good records. See docs/ARCHITECTURE.md.
 */

import { ExportAbortedError, ExportTimeoutError } from '../errors.js';
import * as F from '../otlp/fields.js';
import { Reader } from '../otlp/protobuf.js';
import { excerpt, maskText } from './display-url.js';
import type { ExportConfig, Protocol } from './options.js';
import type { HttpResponse } from './transport.js';

export type Verdict =
  /**
   * Accepted; `rejected` records of it were refused (partial success), never to be retried.
   * `unknown`: the body was cut at the response cap before `rejected_log_records` could be
   * read, so how many were rejected is not known.
   */
  | { kind: 'ok'; status: number; rejected: number; message: string; unknown?: boolean }
  /** Try again later. `cause` is short and stable (diagnostic rate-limit key). */
  | { kind: 'retry'; cause: string; detail: string; retryAfterMs?: number }
  | { kind: 'too_large'; status: number }
  /** Refused for good: status and a bounded, secret-free excerpt of the body. */
  | { kind: 'reject'; status: number; excerpt: string }
  | { kind: 'aborted' };

const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);
/**
 * `Retry-After` in ms from `now` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), or undefined
 * when absent or unparsable. Never negative.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

type PartialSuccess = { rejected: number; message: string; unknown?: boolean };

const NONE: PartialSuccess = { rejected: 0, message: '' };
const UNKNOWN: PartialSuccess = { rejected: 0, message: '', unknown: true };

/**
 * `partial_success` of an `ExportLogsServiceResponse`, protobuf or JSON. `truncated`: the body
 * is only the first `MAX_RESPONSE_BYTES` of a longer one (a huge `error_message`); its leading
 * fields are read, and `unknown` says when `rejected_log_records` was not among them.
 */
function decodePartialSuccess(
  { body, headers, truncated }: HttpResponse,
  fallback: Protocol,
): PartialSuccess {
  if (body.length === 0) return NONE;
  const contentType = headers['content-type'];
  const type = (Array.isArray(contentType) ? contentType[0] : contentType)
    ?.split(';')[0]
    .trim()
    .toLowerCase();
  const json = type === 'application/json' || (type === undefined && fallback === 'http/json');
  if (!json) return protobufPartialSuccess(body, truncated);
  if (truncated) return jsonPrefix(body);
  try {
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as {
      partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string };
    };
    const ps = parsed?.partialSuccess;
    if (!ps) return NONE;
    return { rejected: toCount(ps.rejectedLogRecords), message: String(ps.errorMessage ?? '') };
  } catch {
    // An unreadable success body still means success: the records were accepted.
    return NONE;
  }
}

/**
 * A protobuf answer's `partial_success`. Whole: an unreadable body still means success (the
 * records were accepted). Cut at the cap (`truncated`): read as far as it goes, unknown when the
 * cut falls before `rejected_log_records` was seen (inside `partial_success`, or before it began).
 */
function protobufPartialSuccess(body: Uint8Array, truncated: boolean): PartialSuccess {
  const r = Reader.create(body);
  let out = NONE;
  try {
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 !== F.ExportLogsServiceResponse.partialSuccess || (t & 7) !== 2) {
        r.skipType(t & 7);
        continue;
      }
      const end = r.uint32() + r.pos;
      const ps = readPartialSuccess(Reader.create(body.subarray(r.pos, Math.min(r.len, end))));
      if (end <= r.len) {
        if (!truncated) out = ps.out;
        r.pos = end;
      } else if (!truncated) {
        return NONE;
      } else {
        // Cut inside `partial_success`: what was read is all there is.
        return ps.sawRejected ? ps.out : { ...ps.out, unknown: true };
      }
    }
  } catch {
    if (!truncated) return NONE;
    // Cut inside a field before `partial_success`.
  }
  return truncated ? UNKNOWN : out;
}

/** The fields of an `ExportLogsPartialSuccess`, as far as `ps` holds them. */
function readPartialSuccess(ps: Reader): { out: PartialSuccess; sawRejected: boolean } {
  const out = { rejected: 0, message: '' };
  let sawRejected = false;
  try {
    while (ps.pos < ps.len) {
      const tt = ps.uint32();
      if (tt >>> 3 === F.ExportLogsPartialSuccess.rejectedLogRecords && (tt & 7) === 0) {
        const long = ps.int64() as unknown as { low: number; high: number };
        out.rejected = long.high > 0 ? Number.MAX_SAFE_INTEGER : Math.max(0, long.low >>> 0);
        sawRejected = true;
      } else if (tt >>> 3 === F.ExportLogsPartialSuccess.errorMessage && (tt & 7) === 2) {
        out.message = ps.string();
      } else ps.skipType(tt & 7);
    }
  } catch {
    // A cut or malformed field ends it: what was read so far stands.
  }
  return { out, sawRejected };
}

/**
 * The leading part of a JSON answer cut at the cap. A quote inside a JSON string is escaped, so
 * the key pattern cannot match inside `errorMessage`'s text.
 */
function jsonPrefix(body: Uint8Array): PartialSuccess {
  const text = Buffer.from(body).toString('utf8');
  const ps = /"partialSuccess"\s*:\s*\{/.exec(text);
  const rejected = ps ? /"rejectedLogRecords"\s*:\s*"?(\d+)/.exec(text.slice(ps.index)) : null;
  if (!rejected) return UNKNOWN;
  return { rejected: toCount(rejected[1]), message: 'response body over 4 MiB, cut' };
}

function toCount(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : 0;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** Classifies an HTTP answer to a request sent with `config`. */
export function classifyResponse(
  res: HttpResponse,
  config: Pick<ExportConfig, 'protocol' | 'secrets'>,
): Verdict {
  const { status } = res;
  if (status >= 200 && status < 300) {
    const ps = decodePartialSuccess(res, config.protocol);
    return {
      kind: 'ok',
      status,
      rejected: ps.rejected,
      message: excerpt(Buffer.from(ps.message), config.secrets),
      ...(ps.unknown ? { unknown: true } : {}),
    };
  }
  if (RETRYABLE_STATUS.has(status)) {
    return {
      kind: 'retry',
      cause: `http-${status}`,
      detail: `HTTP ${status}`,
      retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()),
    };
  }
  if (status === 413) return { kind: 'too_large', status };
  return { kind: 'reject', status, excerpt: excerpt(res.body, config.secrets) };
}

/**
 * Classifies a transport failure: everything but our own abort is worth retrying. The error's
 * text (undici's, a proxy's) is masked like a response excerpt: it may echo a header or the
 * proxy URL with its credentials.
 */
export function classifyError(err: unknown, secrets: readonly string[] = []): Verdict {
  if (err instanceof ExportAbortedError) return { kind: 'aborted' };
  if (err instanceof ExportTimeoutError) {
    return { kind: 'retry', cause: 'timeout', detail: err.message };
  }
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  // undici wraps some socket errors (`fetch failed`-style); the useful code is often on the cause.
  const code = maskText(String(e?.cause?.code ?? e?.code ?? 'ERROR'), secrets).slice(0, 64);
  const message = maskText(String(e?.cause?.message ?? e?.message ?? err), secrets);
  // TLS verification failures are configuration problems, but retrying keeps the data (spool).
  return { kind: 'retry', cause: code, detail: `${code}: ${message}` };
}
