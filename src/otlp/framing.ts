/**
 * The request framing shared by everything that writes or splits an `ExportLogsServiceRequest`
 * body by hand (encode-request.ts, split-request.ts, the batch stage's loose-records.ts): the
 * one-byte tags of the framing fields and the varint length prefixes.
 */
import * as F from './fields.js';
import { LEN, tag } from './protobuf.js';

export const T_RESOURCE_LOGS = tag(F.ExportLogsServiceRequest.resourceLogs, LEN);
export const T_RESOURCE = tag(F.ResourceLogs.resource, LEN);
export const T_SCOPE_LOGS = tag(F.ResourceLogs.scopeLogs, LEN);
export const T_SCOPE = tag(F.ScopeLogs.scope, LEN);
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
