/**
 * The request framing: everything that writes or splits an `ExportLogsServiceRequest` body by
 * hand (this file, split-request.ts, the batch stage's loose-records.ts) uses its one-byte tags
 * of the framing fields, its varint length prefixes, and its one writer of a body from its
 * resource → scope → record groups. `encodeRequest` frames encoded records into one request:
 * one `ResourceLogs` per resource, one `ScopeLogs` per scope within it, records copied byte for
 * byte.
 */
import * as F from './fields.js';
import { LEN, tag } from './protobuf.js';

export const T_RESOURCE_LOGS = tag(F.ExportLogsServiceRequest.resourceLogs, LEN);
const T_RESOURCE = tag(F.ResourceLogs.resource, LEN);
export const T_SCOPE_LOGS = tag(F.ResourceLogs.scopeLogs, LEN);
const T_SCOPE = tag(F.ScopeLogs.scope, LEN);
export const T_LOG_RECORD = tag(F.ScopeLogs.logRecords, LEN);

/** Bytes of `n` (a length, 0 ≤ n < 2^32) as a varint. */
function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5;
}

/** Size of a length-delimited field (one-byte tag) holding `n` bytes. */
export function fieldSize(n: number): number {
  return 1 + varintSize(n) + n;
}

/** Writes `n` (0 ≤ n < 2^32) as a varint at `pos`; returns the position after it. */
export function writeVarint(out: Uint8Array, pos: number, n: number): number {
  let v = n >>> 0;
  while (v > 0x7f) {
    out[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[pos++] = v;
  return pos;
}

/**
 * The fields of a `ResourceLogs` or `ScopeLogs` before its children: `message` (the `Resource`
 * or `InstrumentationScope` bytes) written as a field, then `tagged` (other fields, already
 * tagged) as they are.
 */
export interface FrameHead {
  readonly message?: Uint8Array;
  readonly tagged?: Uint8Array;
}

/** One `ResourceLogs` to write: its head, and its `ScopeLogs` with their records' bytes. */
interface ResourceFrame {
  readonly head: FrameHead;
  readonly scopes: ReadonlyArray<{
    readonly head: FrameHead;
    readonly records: readonly { bytes: Uint8Array }[];
    /** `log_records` fields already framed, written after `records` as they are. */
    readonly framed?: Uint8Array;
  }>;
}

function headSize(head: FrameHead): number {
  return (head.message ? fieldSize(head.message.length) : 0) + (head.tagged?.length ?? 0);
}

/**
 * Writes the request holding `resources` into a buffer from `alloc(size)` (exactly `size` bytes
 * long). Sizes first (protobuf needs each length before its payload), then the bytes once.
 */
function writeRequest(
  resources: readonly ResourceFrame[],
  alloc: (size: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array {
  const resourceSizes: number[] = [];
  const scopeSizes: number[] = [];
  let total = 0;
  for (const resource of resources) {
    let rl = headSize(resource.head);
    for (const scope of resource.scopes) {
      let sl = headSize(scope.head);
      for (const rec of scope.records) sl += fieldSize(rec.bytes.length);
      sl += scope.framed?.length ?? 0;
      scopeSizes.push(sl);
      rl += fieldSize(sl);
    }
    resourceSizes.push(rl);
    total += fieldSize(rl);
  }
  const out = alloc(total);
  let pos = 0;
  const field = (t: number, length: number) => {
    out[pos++] = t;
    pos = writeVarint(out, pos, length);
  };
  const bytes = (b: Uint8Array) => {
    out.set(b, pos);
    pos += b.length;
  };
  const head = (t: number, h: FrameHead) => {
    if (h.message) {
      field(t, h.message.length);
      bytes(h.message);
    }
    if (h.tagged) bytes(h.tagged);
  };
  let s = 0;
  resources.forEach((resource, r) => {
    field(T_RESOURCE_LOGS, resourceSizes[r]);
    head(T_RESOURCE, resource.head);
    for (const scope of resource.scopes) {
      field(T_SCOPE_LOGS, scopeSizes[s++]);
      head(T_SCOPE, scope.head);
      for (const rec of scope.records) {
        field(T_LOG_RECORD, rec.bytes.length);
        bytes(rec.bytes);
      }
      if (scope.framed) bytes(scope.framed);
    }
  });
  return out;
}

/** What framing needs of a record: its bytes and the identity of its resource and scope. */
export interface FramedRecord {
  readonly bytes: Uint8Array;
  /**
   * `bytes`: the `InstrumentationScope` message; `schemaUrlField`: `ScopeLogs.schema_url`, already
   * tagged, written after the scope field (protobuf fields may come in any order).
   */
  readonly scope: { readonly bytes: Uint8Array; readonly schemaUrlField?: Uint8Array };
  readonly resource: { readonly bytes: Uint8Array };
}

/** How the resource and scope of a record to frame are written (see {@link FrameHead}). */
export interface FrameHeads<R extends GroupedRecord> {
  resource(resource: R['resource']): FrameHead;
  scope(scope: R['scope']): FrameHead;
}

/** A record to frame: its bytes, and its resource and scope, grouped by identity. */
interface GroupedRecord {
  readonly bytes: Uint8Array;
  readonly resource: object;
  readonly scope: object;
}

/**
 * Writes the request holding `records` grouped by resource, then scope, by identity (groups in
 * order of first appearance, records in their order within each scope), into a buffer from
 * `alloc(size)`.
 */
export function writeGrouped<R extends GroupedRecord>(
  records: readonly R[],
  heads: FrameHeads<R>,
  alloc?: (size: number) => Uint8Array,
): Uint8Array {
  // Most batches have one resource and few scopes.
  type Scope = { head: FrameHead; records: R[] };
  const groups = new Map<R['resource'], { head: FrameHead; scopes: Map<R['scope'], Scope> }>();
  for (const rec of records) {
    let resource = groups.get(rec.resource);
    if (!resource) {
      resource = { head: heads.resource(rec.resource), scopes: new Map() };
      groups.set(rec.resource, resource);
    }
    let scope = resource.scopes.get(rec.scope);
    if (!scope) {
      scope = { head: heads.scope(rec.scope), records: [] };
      resource.scopes.set(rec.scope, scope);
    }
    scope.records.push(rec);
  }
  const frames = [...groups.values()].map((r) => ({ head: r.head, scopes: [...r.scopes.values()] }));
  return writeRequest(frames, alloc);
}

/** The heads of a {@link FramedRecord}: its `Resource` and `InstrumentationScope` messages. */
const FRAMED_HEADS: FrameHeads<FramedRecord> = {
  resource: (resource) => ({ message: resource.bytes }),
  scope: (scope) => ({ message: scope.bytes, tagged: scope.schemaUrlField }),
};

/**
 * Builds the request body for `records` (they keep their order within each scope) into a
 * buffer from `alloc(size)` (exactly `size` bytes long). Two passes (sizes, then bytes) so the
 * body is written once into memory the caller may reuse: the batch stage recycles the bodies of
 * batches dropped by `drop-oldest`.
 */
export function encodeRequest(
  records: readonly FramedRecord[],
  alloc?: (size: number) => Uint8Array,
): Uint8Array {
  return writeGrouped(records, FRAMED_HEADS, alloc);
}

/**
 * Frames records of one resource and one scope, given as their `ScopeLogs.log_records` fields
 * back to back (`logRecords`), into a buffer from `alloc(size)`: the headers, then one copy.
 */
export function frameOneScope(
  resource: FramedRecord['resource'],
  scope: FramedRecord['scope'],
  logRecords: Uint8Array,
  alloc: (size: number) => Uint8Array,
): Uint8Array {
  const head = { message: scope.bytes, tagged: scope.schemaUrlField };
  return writeRequest(
    [{ head: { message: resource.bytes }, scopes: [{ head, records: [], framed: logRecords }] }],
    alloc,
  );
}
