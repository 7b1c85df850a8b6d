/**
 * Splits a protobuf `ExportLogsServiceRequest` body into smaller valid requests without decoding
 * the records: each part keeps the resource and scope framing (every non-record field, byte for
 * byte) of the records it carries. Used for HTTP 413 (halves) and for the request-size cap.
 */
import { readProtobuf } from './decode-protobuf.js';
import {
  type FrameHeads,
  fieldSize,
  T_LOG_RECORD,
  T_RESOURCE_LOGS,
  T_SCOPE_LOGS,
  writeGrouped,
} from './encode-request.js';
import { payload, Reader } from './protobuf.js';

/** A request body and how many log records it holds. */
export interface RequestPart {
  readonly body: Uint8Array;
  readonly count: number;
}

/**
 * One record in request order, with the framing of its ResourceLogs and ScopeLogs: every field
 * but their children, as raw tagged bytes (one object per ResourceLogs and per ScopeLogs).
 */
interface FlatRecord {
  readonly bytes: Uint8Array;
  readonly resource: { readonly tagged: Uint8Array };
  readonly scope: { readonly tagged: Uint8Array };
}

/** A part's framing is written as parsed. */
const RAW_HEADS: FrameHeads<FlatRecord> = { resource: (head) => head, scope: (head) => head };

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

function parse(body: Uint8Array): FlatRecord[] {
  const flat: FlatRecord[] = [];
  const empty: Uint8Array = new Uint8Array(0);
  // ExportLogsServiceRequest has no other field; unknown ones cannot be attributed to a part.
  readProtobuf(() =>
    splitFields(Reader.create(body), T_RESOURCE_LOGS, (rl) => {
      // A framing's bytes are known only once its children are split out; the records point at
      // the object meanwhile, and its identity groups them when a part is written.
      const resource = { tagged: empty };
      resource.tagged = splitFields(Reader.create(rl), T_SCOPE_LOGS, (sl) => {
        const scope = { tagged: empty };
        scope.tagged = splitFields(Reader.create(sl), T_LOG_RECORD, (bytes) => {
          flat.push({ bytes, resource, scope });
        });
      });
    }),
  );
  return flat;
}

/** Builds the request holding flat records [from, to), in their original order and grouping. */
function build(flat: FlatRecord[], from: number, to: number): Uint8Array {
  return writeGrouped(flat.slice(from, to), RAW_HEADS);
}

/**
 * Splits a request into two valid requests of about half the bytes each (each with at least one
 * record). Returns `undefined` when the request holds fewer than two records.
 * Throws `DecodeError` when the body is malformed.
 */
export function splitRequest(body: Uint8Array): [RequestPart, RequestPart] | undefined {
  const flat = parse(body);
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
    { body: build(flat, 0, cut), count: cut },
    { body: build(flat, cut, n), count: n - cut },
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
  const flat = parse(body);
  const parts: RequestPart[] = [];
  let oversized = 0;
  let from = 0;
  // An upper bound of the part's size, kept incrementally; exact sizes would make this O(n²).
  let bound = 0;
  let lastResource: FlatRecord['resource'] | undefined;
  let lastScope: FlatRecord['scope'] | undefined;
  const costOf = (i: number): number => {
    const rec = flat[i];
    let cost = fieldSize(rec.bytes.length);
    if (rec.resource !== lastResource) {
      cost += MAX_FRAME_OVERHEAD * 2 + rec.resource.tagged.length + rec.scope.tagged.length;
    } else if (rec.scope !== lastScope) {
      cost += MAX_FRAME_OVERHEAD + rec.scope.tagged.length;
    }
    return cost;
  };
  const flush = (to: number) => {
    if (to > from) parts.push({ body: build(flat, from, to), count: to - from });
    from = to;
    bound = 0;
    lastResource = undefined;
    lastScope = undefined;
  };
  for (let i = 0; i < flat.length; i++) {
    let cost = costOf(i);
    if (bound + cost > maxBytes && i > from) {
      flush(i);
      cost = costOf(i);
    }
    if (i === from && cost > maxBytes) {
      // Alone it may still fit exactly (the bound over-counts framing); otherwise it is oversized.
      const alone = build(flat, i, i + 1);
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
