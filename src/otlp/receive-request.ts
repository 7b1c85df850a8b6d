/**
 * The receiving side of OTLP/HTTP logs, without the HTTP server: content type and encoding of a
 * request, gzip/deflate inflation under a size cap, decoding under a record cap, and the answers
 * the spec asks for (an `ExportLogsServiceResponse`, possibly with `partial_success`, or a
 * `google.rpc.Status` in the request's encoding). One implementation for `podlog receive`
 * (`testing/receiver.ts`, a node:http server) and the msw handlers (`testing/otlp-handlers.ts`).
 */
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { DecodeError, decodeProtobufRequest } from './decode-protobuf.js';
import { decodeJsonRequest } from './json.js';
import { LEN, tag, VARINT, Writer } from './protobuf.js';
import type { DecodedLogsRequest, DecodeOptions } from './types.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
type OtlpMediaType = typeof PROTOBUF | typeof JSON_TYPE;

/** google.rpc.Status codes used in error bodies. */
const RPC_INVALID_ARGUMENT = 3;
const RPC_RESOURCE_EXHAUSTED = 8;
const RPC_UNIMPLEMENTED = 12;
const RPC_UNAVAILABLE = 14;

/** A request refused with an HTTP status; `message` goes into the `google.rpc.Status`. */
export class ReceiveError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ReceiveError';
  }
}

/** Records a test backend says it rejected (`partial_success`), and why. */
type PartialSuccess = { rejected: number; message: string };

/** Bounds of one request. */
interface ReceiveLimits {
  /** Largest body after inflation, in bytes (guards against gzip bombs). */
  maxInflatedBytes: number;
  /** Most log records in one request (413 beyond): decoding multiplies memory. */
  maxRecords: number;
}

/** Normalised media type of a request, or `undefined` when it is not one OTLP/HTTP defines. */
export function mediaType(header: string | null | undefined): OtlpMediaType | undefined {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  if (type === PROTOBUF || type === 'application/protobuf') return PROTOBUF;
  if (type === JSON_TYPE) return JSON_TYPE;
  return undefined;
}

/** Decodes a request body by content type (`application/x-protobuf` or `application/json`). */
export function decodeLogsRequest(
  body: Uint8Array | string,
  contentType: string,
  options: DecodeOptions = {},
): DecodedLogsRequest {
  const type = mediaType(contentType);
  if (type === JSON_TYPE) return decodeJsonRequest(body, options);
  if (type === undefined) throw new DecodeError(`unsupported content-type ${JSON.stringify(contentType)}`);
  if (typeof body === 'string') throw new DecodeError('a protobuf body must be bytes, not a string');
  return decodeProtobufRequest(body, options);
}

/** The body as sent → the request body: `gzip`, `deflate` or none, inflated up to `max` bytes. */
async function inflateBody(body: Uint8Array, encoding: string, max: number): Promise<Uint8Array> {
  const enc = encoding.trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  try {
    if (enc === 'gzip') return await gunzipAsync(body, { maxOutputLength: max });
    if (enc === 'deflate') return await inflateAsync(body, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ReceiveError(413, `inflated body larger than ${max} bytes`);
    }
    throw new ReceiveError(400, `body is not valid ${enc}: ${(err as Error).message}`);
  }
  throw new ReceiveError(415, `unsupported content-encoding ${JSON.stringify(enc)}; use gzip or none`);
}

/** `{` and `[` in a JSON body: an upper bound of the objects `JSON.parse` would allocate. */
function jsonContainers(body: Uint8Array): number {
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let n = 0;
  for (let i = b.indexOf(0x7b); i >= 0; i = b.indexOf(0x7b, i + 1)) n++;
  for (let i = b.indexOf(0x5b); i >= 0; i = b.indexOf(0x5b, i + 1)) n++;
  return n;
}

/** A request decoded: its media type, its body after inflation, and what it holds. */
export interface ReceivedLogs {
  type: OtlpMediaType;
  body: Uint8Array;
  request: DecodedLogsRequest;
}

/**
 * Decodes one request body as received (before inflation). Throws `ReceiveError` with the status
 * to answer: 415 for a content type or encoding OTLP does not define, 413 past the limits, 400
 * for a body that does not decode.
 */
async function receiveLogsRequest(
  body: Uint8Array,
  type: OtlpMediaType | undefined,
  contentEncoding: string,
  limits: ReceiveLimits,
): Promise<ReceivedLogs> {
  if (!type) throw new ReceiveError(415, 'content-type must be application/x-protobuf or application/json');
  const inflated = await inflateBody(body, contentEncoding, limits.maxInflatedBytes);
  // JSON.parse allocates before any record can be counted: bound the objects it may build.
  const maxContainers = limits.maxRecords * 16;
  if (type === JSON_TYPE && jsonContainers(inflated) > maxContainers) {
    throw new ReceiveError(413, `JSON body with more than ${maxContainers} objects and arrays`);
  }
  try {
    const request = decodeLogsRequest(inflated, type, { ints: 'number', maxRecords: limits.maxRecords });
    return { type, body: inflated, request };
  } catch (err) {
    const message = (err as Error).message.slice(0, 200);
    const tooMany =
      err instanceof DecodeError && message.includes(`more than ${limits.maxRecords} log records`);
    throw new ReceiveError(tooMany ? 413 : 400, message);
  }
}

/**
 * Decodes a request body as received and answers it: `received` and a 2xx reply when it decodes,
 * or its `refusal` and the error reply. A `script` (a status, and with a 2xx a
 * `partial_success`) changes the answer, not the decoding (a test still sees what the app sent);
 * a refused body is refused whatever 2xx the script says.
 * The one path of `podlog receive` and the msw handlers.
 */
export async function answerLogsRequest(
  body: Uint8Array,
  headers: { contentType: string | null | undefined; contentEncoding: string | null | undefined },
  limits: ReceiveLimits,
  script: { status: number; partial?: PartialSuccess } = { status: 200 },
): Promise<{ reply: Reply; received?: ReceivedLogs; refusal?: ReceiveError }> {
  const type = mediaType(headers.contentType);
  let received: ReceivedLogs | undefined;
  let refusal: ReceiveError | undefined;
  try {
    received = await receiveLogsRequest(body, type, headers.contentEncoding ?? '', limits);
  } catch (err) {
    if (!(err instanceof ReceiveError)) throw err;
    refusal = err;
  }
  const ok = (status: number) => status >= 200 && status < 300;
  const status = refusal && ok(script.status) ? refusal.status : script.status;
  const reply =
    received && ok(status)
      ? successReply(received.type, script.partial, status)
      : errorReply(status, refusal?.message ?? `scripted ${status}`, type);
  return { reply, received, refusal };
}

/** What to answer: status, content type and body bytes. */
export interface Reply {
  status: number;
  contentType: string;
  body: Uint8Array;
}

/**
 * A 2xx answer: an `ExportLogsServiceResponse` in the request's encoding, empty (zero bytes in
 * protobuf, `{}` in JSON) or with `partial_success` when some records were rejected.
 */
function successReply(type: OtlpMediaType, partial: PartialSuccess | undefined, status: number): Reply {
  if (!partial) {
    return { status, contentType: type, body: type === JSON_TYPE ? Buffer.from('{}') : new Uint8Array() };
  }
  if (type === JSON_TYPE) {
    const json = {
      partialSuccess: { rejectedLogRecords: String(partial.rejected), errorMessage: partial.message },
    };
    return { status, contentType: type, body: Buffer.from(JSON.stringify(json)) };
  }
  const inner = Writer.create();
  if (partial.rejected) inner.uint32(tag(1, VARINT)).int64(partial.rejected);
  if (partial.message) inner.uint32(tag(2, LEN)).string(partial.message);
  const w = Writer.create();
  w.uint32(tag(1, LEN)).bytes(inner.finish());
  return { status, contentType: type, body: w.finish() };
}

/** The `google.rpc.Status` code that goes with an HTTP error status. */
function rpcCode(status: number): number {
  if (status === 413) return RPC_RESOURCE_EXHAUSTED;
  if (status === 404 || status === 405) return RPC_UNIMPLEMENTED;
  if (status === 400 || status === 415) return RPC_INVALID_ARGUMENT;
  return RPC_UNAVAILABLE;
}

/**
 * An error answer per the spec: a `google.rpc.Status` in the request's encoding (plain text
 * when the request's content type is not an OTLP one).
 */
export function errorReply(status: number, message: string, type: OtlpMediaType | undefined): Reply {
  const code = rpcCode(status);
  if (type === PROTOBUF) {
    const w = Writer.create();
    w.uint32(tag(1, VARINT)).int32(code);
    w.uint32(tag(2, LEN)).string(message);
    return { status, contentType: PROTOBUF, body: w.finish() };
  }
  if (type === JSON_TYPE) {
    return { status, contentType: JSON_TYPE, body: Buffer.from(JSON.stringify({ code, message })) };
  }
  return { status, contentType: 'text/plain; charset=utf-8', body: Buffer.from(message) };
}
