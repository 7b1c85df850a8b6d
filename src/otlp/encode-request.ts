/**
 * Frames encoded records into one `ExportLogsServiceRequest`: one `ResourceLogs` per resource,
 * one `ScopeLogs` per scope within it, records copied byte for byte.
 */
import { type ResourceFrame, writeRequest } from './framing.js';

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

/**
 * Builds the request body for `records` (they keep their order within each scope) into a
 * buffer from `alloc(size)` (exactly `size` bytes long). Two passes (sizes, then bytes) so the
 * body is written once into memory the caller may reuse: the batch stage recycles the bodies of
 * batches dropped by `drop-oldest`.
 */
export function encodeRequest(
  records: readonly FramedRecord[],
  alloc: (size: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array {
  // Group by resource, then scope, by identity. Most batches have one resource and few scopes.
  const groups = new Map<FramedRecord['resource'], Map<FramedRecord['scope'], FramedRecord[]>>();
  for (const rec of records) {
    let scopes = groups.get(rec.resource);
    if (!scopes) {
      scopes = new Map();
      groups.set(rec.resource, scopes);
    }
    let list = scopes.get(rec.scope);
    if (!list) {
      list = [];
      scopes.set(rec.scope, list);
    }
    list.push(rec);
  }
  const frames: ResourceFrame[] = [];
  for (const [resource, scopes] of groups) {
    const scopeFrames = [];
    for (const [scope, list] of scopes) {
      scopeFrames.push({ head: { message: scope.bytes, tagged: scope.schemaUrlField }, records: list });
    }
    frames.push({ head: { message: resource.bytes }, scopes: scopeFrames });
  }
  return writeRequest(frames, alloc);
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
