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
  for (const [resource, scopes] of groups) {
    pos = writeResourceLogsHead(out, pos, resource, sizes.get(scopes)!);
    for (const [scope, list] of scopes) {
      pos = writeScopeLogsHead(out, pos, scope, sizes.get(list)!);
      for (const rec of list) pos = writeBytesField(out, pos, T_LOG_RECORD, rec.bytes);
    }
  }
  return out;
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
  const scopeLogs = fieldSize(scope.bytes.length) + (scope.schemaUrlField?.length ?? 0) + logRecords.length;
  const resourceLogs = fieldSize(resource.bytes.length) + fieldSize(scopeLogs);
  const out = alloc(fieldSize(resourceLogs));
  let pos = writeResourceLogsHead(out, 0, resource, resourceLogs);
  pos = writeScopeLogsHead(out, pos, scope, scopeLogs);
  out.set(logRecords, pos);
  return out;
}

/** A `ResourceLogs` tag and length (`size`), then its resource; returns the next position. */
function writeResourceLogsHead(
  out: Uint8Array,
  pos: number,
  resource: FramedRecord['resource'],
  size: number,
): number {
  out[pos] = T_RESOURCE_LOGS;
  return writeBytesField(out, writeVarint(out, pos + 1, size), T_RESOURCE, resource.bytes);
}

/** A `ScopeLogs` tag and length (`size`), then its scope and schema URL; returns the next position. */
function writeScopeLogsHead(
  out: Uint8Array,
  pos: number,
  scope: FramedRecord['scope'],
  size: number,
): number {
  out[pos] = T_SCOPE_LOGS;
  pos = writeBytesField(out, writeVarint(out, pos + 1, size), T_SCOPE, scope.bytes);
  if (scope.schemaUrlField === undefined) return pos;
  out.set(scope.schemaUrlField, pos);
  return pos + scope.schemaUrlField.length;
}

function writeBytesField(out: Uint8Array, pos: number, tag: number, bytes: Uint8Array): number {
  out[pos] = tag;
  pos = writeVarint(out, pos + 1, bytes.length);
  out.set(bytes, pos);
  return pos + bytes.length;
}

/** Builds the request body for `records`. Records keep their order within each scope. */
export function encodeRequest(records: readonly FramedRecord[]): Uint8Array {
  return frameRequest(records);
}
