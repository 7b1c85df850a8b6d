/**
 * Splits a protobuf `ExportLogsServiceRequest` body into smaller valid requests without decoding
 * the records: each part keeps the resource and scope framing (every non-record field, byte for
 * byte) of the records it carries. Used for HTTP 413 (halves) and for the request-size cap.
 */
import { DecodeError } from './decode-protobuf.js';
import {
  type FrameHead,
  fieldSize,
  T_LOG_RECORD,
  T_RESOURCE_LOGS,
  T_SCOPE_LOGS,
  writeRequest,
} from './encode-request.js';
import { payload, Reader } from './protobuf.js';

/** A request body and how many log records it holds. */
export interface RequestPart {
  readonly body: Uint8Array;
  readonly count: number;
}

interface ParsedResource {
  /** Every ResourceLogs field but scope_logs, as raw tagged bytes. */
  readonly head: Uint8Array;
  /** Of each of its ScopeLogs: every field but log_records, as raw tagged bytes. */
  readonly scopeHeads: Uint8Array[];
}

/** One record in request order, with the resource/scope it belongs to. */
interface FlatRecord {
  readonly resource: number;
  readonly scope: number;
  readonly bytes: Uint8Array;
}

/** Upper bound of tag + length prefix of a framing message (1-byte tag, ≤ 5-byte varint). */
const MAX_FRAME_OVERHEAD = 6;

/**
 * Reads the fields of the message in `r`: the payload of each `tag` field goes to `each`; every
 * other field is kept, tag and all, in the returned bytes (the part's framing, byte for byte).
 */
function splitFields(r: Reader, tag: number, each: (payload: Uint8Array) => void): Uint8Array {
  const rest: Uint8Array[] = [];
  while (r.pos < r.len) {
    const start = r.pos;
    const t = r.uint32();
    if (t === tag) each(payload(r));
    else {
      r.skipType(t & 7);
      rest.push(r.buf.subarray(start, r.pos));
    }
  }
  return rest.length === 1 ? rest[0] : Buffer.concat(rest);
}

function parse(body: Uint8Array): { resources: ParsedResource[]; flat: FlatRecord[] } {
  const resources: ParsedResource[] = [];
  const flat: FlatRecord[] = [];
  try {
    // ExportLogsServiceRequest has no other field; unknown ones cannot be attributed to a part.
    splitFields(Reader.create(body), T_RESOURCE_LOGS, (rl) => {
      const scopeHeads: Uint8Array[] = [];
      const head = splitFields(Reader.create(rl), T_SCOPE_LOGS, (sl) => {
        const scopeHead = splitFields(Reader.create(sl), T_LOG_RECORD, (rec) => {
          flat.push({ resource: resources.length, scope: scopeHeads.length, bytes: rec });
        });
        scopeHeads.push(scopeHead);
      });
      resources.push({ head, scopeHeads });
    });
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError(`malformed OTLP protobuf body: ${(err as Error).message}`, { cause: err });
  }
  return { resources, flat };
}

/** Builds the request holding flat records [from, to), in their original order and grouping. */
function build(resources: ParsedResource[], flat: FlatRecord[], from: number, to: number): Uint8Array {
  // Group the slice back into resource → scope runs; flat order keeps each run contiguous.
  type Run = { resource: number; head: FrameHead; scopes: Array<Scope> };
  type Scope = { scope: number; head: FrameHead; records: FlatRecord[] };
  const runs: Run[] = [];
  for (let i = from; i < to; i++) {
    const rec = flat[i];
    const res = resources[rec.resource];
    let run = runs[runs.length - 1];
    if (!run || run.resource !== rec.resource) {
      run = { resource: rec.resource, head: { tagged: res.head }, scopes: [] };
      runs.push(run);
    }
    let sc = run.scopes[run.scopes.length - 1];
    if (!sc || sc.scope !== rec.scope) {
      sc = { scope: rec.scope, head: { tagged: res.scopeHeads[rec.scope] }, records: [] };
      run.scopes.push(sc);
    }
    sc.records.push(rec);
  }
  return writeRequest(runs);
}

/**
 * Splits a request into two valid requests of about half the bytes each (each with at least one
 * record). Returns `undefined` when the request holds fewer than two records.
 * Throws `DecodeError` when the body is malformed.
 */
export function splitRequest(body: Uint8Array): [RequestPart, RequestPart] | undefined {
  const { resources, flat } = parse(body);
  const n = flat.length;
  if (n < 2) return undefined;
  let all = 0;
  for (const rec of flat) all += rec.bytes.length;
  let acc = 0;
  let cut = 1;
  for (let i = 0; i < n - 1; i++) {
    acc += flat[i].bytes.length;
    cut = i + 1;
    if (acc * 2 >= all) break;
  }
  return [
    { body: build(resources, flat, 0, cut), count: cut },
    { body: build(resources, flat, cut, n), count: n - cut },
  ];
}

/** Result of {@link chunkRequest}. */
interface ChunkedRequest {
  /** Valid requests, each at most `maxBytes`, records in original order. */
  readonly parts: RequestPart[];
  /** Records that do not fit in `maxBytes` even alone (left out of `parts`). */
  readonly oversized: number;
}

/**
 * Cuts a request into consecutive parts of at most `maxBytes` each, greedily (callers skip it
 * for a body already within the cap). Throws `DecodeError` when malformed.
 */
export function chunkRequest(body: Uint8Array, maxBytes: number): ChunkedRequest {
  const { resources, flat } = parse(body);
  const parts: RequestPart[] = [];
  let oversized = 0;
  let from = 0;
  // An upper bound of the part's size, kept incrementally; exact sizes would make this O(n²).
  let bound = 0;
  let lastResource = -1;
  let lastScope = -1;
  const costOf = (i: number): number => {
    const rec = flat[i];
    let cost = fieldSize(rec.bytes.length);
    if (rec.resource !== lastResource) {
      cost += MAX_FRAME_OVERHEAD * 2 + resources[rec.resource].head.length;
      cost += resources[rec.resource].scopeHeads[rec.scope].length;
    } else if (rec.scope !== lastScope) {
      cost += MAX_FRAME_OVERHEAD + resources[rec.resource].scopeHeads[rec.scope].length;
    }
    return cost;
  };
  const flush = (to: number) => {
    if (to > from) parts.push({ body: build(resources, flat, from, to), count: to - from });
    from = to;
    bound = 0;
    lastResource = -1;
    lastScope = -1;
  };
  for (let i = 0; i < flat.length; i++) {
    let cost = costOf(i);
    if (bound + cost > maxBytes && i > from) {
      flush(i);
      cost = costOf(i);
    }
    if (i === from && cost > maxBytes) {
      // Alone it may still fit exactly (the bound over-counts framing); otherwise it is oversized.
      const alone = build(resources, flat, i, i + 1);
      if (alone.length <= maxBytes) parts.push({ body: alone, count: 1 });
      else oversized++;
      from = i + 1;
      continue;
    }
    bound += cost;
    lastResource = flat[i].resource;
    lastScope = flat[i].scope;
  }
  flush(flat.length);
  return { parts, oversized };
}
