/**
 * Frames encoded records into one `ExportLogsServiceRequest`: one `ResourceLogs` per resource,
 * one `ScopeLogs` per scope within it, records copied byte for byte.
 */
import {
  fieldSize,
  T_LOG_RECORD,
  T_RESOURCE,
  T_RESOURCE_LOGS,
  T_SCOPE,
  T_SCOPE_LOGS,
  writeVarint,
} from './framing.js';

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

type Groups = Map<FramedRecord['resource'], Map<FramedRecord['scope'], FramedRecord[]>>;

/**
 * Frames `records` into a buffer from `alloc(size)` (exactly `size` bytes long). Two passes
 * (sizes, then bytes) so the body is written once into memory the caller may reuse: the
 * batch stage recycles the bodies of batches dropped by `drop-oldest`.
 */
export function frameRequest(
  records: readonly FramedRecord[],
  alloc: (size: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array {
  // Group by resource, then scope, by identity. Most batches have one resource and few scopes.
  const groups: Groups = new Map();
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
  // Pass 1: sizes.
  const sizes = new Map<unknown, number>();
  let total = 0;
  for (const [resource, scopes] of groups) {
    let rl = fieldSize(resource.bytes.length);
    for (const [scope, list] of scopes) {
      let sl = fieldSize(scope.bytes.length) + (scope.schemaUrlField?.length ?? 0);
      for (const rec of list) sl += fieldSize(rec.bytes.length);
      sizes.set(list, sl);
      rl += fieldSize(sl);
    }
    sizes.set(scopes, rl);
    total += fieldSize(rl);
  }
  // Pass 2: bytes.
  const out = alloc(total);
  let pos = 0;
  const bytesField = (t: number, bytes: Uint8Array) => {
    out[pos++] = t;
    pos = writeVarint(out, pos, bytes.length);
    out.set(bytes, pos);
    pos += bytes.length;
  };
  for (const [resource, scopes] of groups) {
    out[pos++] = T_RESOURCE_LOGS;
    pos = writeVarint(out, pos, sizes.get(scopes)!);
    bytesField(T_RESOURCE, resource.bytes);
    for (const [scope, list] of scopes) {
      out[pos++] = T_SCOPE_LOGS;
      pos = writeVarint(out, pos, sizes.get(list)!);
      bytesField(T_SCOPE, scope.bytes);
      if (scope.schemaUrlField !== undefined) {
        out.set(scope.schemaUrlField, pos);
        pos += scope.schemaUrlField.length;
      }
      for (const rec of list) bytesField(T_LOG_RECORD, rec.bytes);
    }
  }
  return out;
}

/** Builds the request body for `records`. Records keep their order within each scope. */
export function encodeRequest(records: readonly FramedRecord[]): Uint8Array {
  return frameRequest(records);
}
