/**
 * Frames encoded records into one `ExportLogsServiceRequest`: one `ResourceLogs` per resource,
 * one `ScopeLogs` per scope within it, records copied byte for byte.
 */
import * as F from './fields.js';
import { LEN, tag, Writer } from './protobuf.js';

/** What framing needs of a record: its bytes and the identity of its resource and scope. */
export interface FramedRecord {
  readonly bytes: Uint8Array;
  readonly scope: { readonly bytes: Uint8Array };
  readonly resource: { readonly bytes: Uint8Array };
}

const T_RESOURCE_LOGS = tag(F.ExportLogsServiceRequest.resourceLogs, LEN);
const T_RESOURCE = tag(F.ResourceLogs.resource, LEN);
const T_SCOPE_LOGS = tag(F.ResourceLogs.scopeLogs, LEN);
const T_SCOPE = tag(F.ScopeLogs.scope, LEN);
const T_LOG_RECORD = tag(F.ScopeLogs.logRecords, LEN);

/** Builds the request body for `records`. Records keep their order within each scope. */
export function encodeRequest(records: readonly FramedRecord[]): Uint8Array {
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
  const w = Writer.create();
  for (const [resource, scopes] of groups) {
    w.uint32(T_RESOURCE_LOGS).fork();
    w.uint32(T_RESOURCE).bytes(resource.bytes);
    for (const [scope, list] of scopes) {
      w.uint32(T_SCOPE_LOGS).fork();
      w.uint32(T_SCOPE).bytes(scope.bytes);
      for (const rec of list) w.uint32(T_LOG_RECORD).bytes(rec.bytes);
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}
