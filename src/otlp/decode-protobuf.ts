import { DecodeError } from '../errors.js';
import * as F from './fields.js';
import { LEN, payload, Reader } from './protobuf.js';
import type {
  DecodedLogRecord,
  DecodedLogsRequest,
  DecodedResourceLogs,
  DecodedScope,
  DecodedScopeLogs,
  DecodeOptions,
  OtlpAttributes,
  OtlpValue,
} from './types.js';

export { DecodeError };

/** The decoders' options with their defaults, and the records decoded so far (for `maxRecords`). */
export interface DecodeContext extends Required<DecodeOptions> {
  records: number;
}

export function decodeContext(options: DecodeOptions): DecodeContext {
  return {
    ints: options.ints ?? 'bigint',
    maxDepth: options.maxDepth ?? 64,
    maxRecords: options.maxRecords ?? Number.POSITIVE_INFINITY,
    records: 0,
  };
}

/** An int64 as the decoders give it: a `number` with `ints: 'number'` when it is safe. */
export function int64Value(v: bigint, ctx: DecodeContext): number | bigint {
  return ctx.ints === 'number' && Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

/** Counts one more record; throws `DecodeError` past `maxRecords`. */
export function countRecord(ctx: DecodeContext): void {
  if (++ctx.records > ctx.maxRecords) throw new DecodeError(`more than ${ctx.maxRecords} log records`);
}

/** Decodes a protobuf `ExportLogsServiceRequest`. Throws `DecodeError` on malformed input. */
export function decodeProtobufRequest(body: Uint8Array, options: DecodeOptions = {}): DecodedLogsRequest {
  const ctx = decodeContext(options);
  const out: DecodedLogsRequest = { resourceLogs: [] };
  return readProtobuf(() => {
    const r = Reader.create(body);
    fields(r, (field, wireType) => {
      if (field !== F.ExportLogsServiceRequest.resourceLogs || wireType !== LEN) return false;
      out.resourceLogs.push(resourceLogs(sub(r), ctx));
      return true;
    });
    return out;
  });
}

/** Runs `read` over a request body: what the protobuf reader throws becomes a `DecodeError`. */
export function readProtobuf<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError(`malformed OTLP protobuf body: ${(err as Error).message}`, { cause: err });
  }
}

/** A reader over the sub-message at the reader's position. */
function sub(r: Reader): Reader {
  return Reader.create(payload(r));
}

/**
 * Reads the fields of the message in `r`, in order: `read` consumes a field it knows and returns
 * true; a field it returns false for is skipped (unknown fields are allowed by protobuf).
 */
function fields(r: Reader, read: (field: number, wireType: number) => boolean): void {
  while (r.pos < r.len) {
    const t = r.uint32();
    if (!read(t >>> 3, t & 7)) r.skipType(t & 7);
  }
}

function resourceLogs(r: Reader, ctx: DecodeContext): DecodedResourceLogs {
  const out: DecodedResourceLogs = {
    resource: { attributes: {}, droppedAttributesCount: 0 },
    scopeLogs: [],
    schemaUrl: '',
  };
  fields(r, (field) => {
    if (field === F.ResourceLogs.resource) {
      const rr = sub(r);
      fields(rr, (f) => {
        if (f === F.Resource.attributes) keyValue(sub(rr), out.resource.attributes, ctx, 0);
        else if (f === F.Resource.droppedAttributesCount) out.resource.droppedAttributesCount = rr.uint32();
        else return false;
        return true;
      });
    } else if (field === F.ResourceLogs.scopeLogs) out.scopeLogs.push(scopeLogs(sub(r), ctx));
    else if (field === F.ResourceLogs.schemaUrl) out.schemaUrl = r.string();
    else return false;
    return true;
  });
  return out;
}

function scopeLogs(r: Reader, ctx: DecodeContext): DecodedScopeLogs {
  const scope: DecodedScope = { name: '', version: '', attributes: {} };
  const out: DecodedScopeLogs = { scope, logRecords: [], schemaUrl: '' };
  fields(r, (field) => {
    if (field === F.ScopeLogs.scope) {
      const s = sub(r);
      fields(s, (f) => {
        if (f === F.InstrumentationScope.name) scope.name = s.string();
        else if (f === F.InstrumentationScope.version) scope.version = s.string();
        else if (f === F.InstrumentationScope.attributes) keyValue(sub(s), scope.attributes, ctx, 0);
        else return false;
        return true;
      });
    } else if (field === F.ScopeLogs.logRecords) {
      countRecord(ctx);
      out.logRecords.push(logRecord(sub(r), ctx));
    } else if (field === F.ScopeLogs.schemaUrl) out.schemaUrl = r.string();
    else return false;
    return true;
  });
  return out;
}

/** A fixed64 field (a timestamp); `name` for the error when it has another wire type. */
function fixed64(r: Reader, wireType: number, name: string): bigint {
  if (wireType !== 1) throw new DecodeError(`${name} must be fixed64`);
  const lo = BigInt(r.fixed32() >>> 0);
  const hi = BigInt(r.fixed32() >>> 0);
  return (hi << 32n) | lo;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Decodes one `LogRecord` message (its bytes, without tag and length). */
export function decodeLogRecord(body: Uint8Array, options: DecodeOptions = {}): DecodedLogRecord {
  return logRecord(Reader.create(body), decodeContext(options));
}

function logRecord(r: Reader, ctx: DecodeContext): DecodedLogRecord {
  const out: DecodedLogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: undefined,
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
  fields(r, (field, wireType) => {
    if (field === F.LogRecord.timeUnixNano) out.timeUnixNano = fixed64(r, wireType, 'time_unix_nano');
    else if (field === F.LogRecord.observedTimeUnixNano) {
      out.observedTimeUnixNano = fixed64(r, wireType, 'observed_time_unix_nano');
    } else if (field === F.LogRecord.severityNumber) out.severityNumber = r.int32();
    else if (field === F.LogRecord.severityText) out.severityText = r.string();
    else if (field === F.LogRecord.body) out.body = anyValue(sub(r), ctx, 0);
    else if (field === F.LogRecord.attributes) keyValue(sub(r), out.attributes, ctx, 0);
    else if (field === F.LogRecord.droppedAttributesCount) out.droppedAttributesCount = r.uint32();
    else if (field === F.LogRecord.flags) out.flags = r.fixed32() >>> 0;
    else if (field === F.LogRecord.traceId) out.traceId = hex(r.bytes());
    else if (field === F.LogRecord.spanId) out.spanId = hex(r.bytes());
    else if (field === F.LogRecord.eventName) out.eventName = r.string();
    else return false;
    return true;
  });
  return out;
}

export function setKey(target: OtlpAttributes, key: string, value: OtlpValue): void {
  // defineProperty: a key named `__proto__` must become data, not a prototype change.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function keyValue(r: Reader, target: OtlpAttributes, ctx: DecodeContext, depth: number): void {
  let key = '';
  let value: OtlpValue = null;
  fields(r, (field) => {
    if (field === F.KeyValue.key) key = r.string();
    else if (field === F.KeyValue.value) value = anyValue(sub(r), ctx, depth + 1);
    else return false;
    return true;
  });
  setKey(target, key, value);
}

function int64(r: Reader, ctx: DecodeContext): number | bigint {
  const long = r.int64() as unknown as { low: number; high: number };
  return int64Value(BigInt.asIntN(64, (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0)), ctx);
}

function anyValue(r: Reader, ctx: DecodeContext, depth: number): OtlpValue {
  if (depth > ctx.maxDepth) throw new DecodeError(`AnyValue nested deeper than ${ctx.maxDepth}`);
  let value: OtlpValue = null;
  fields(r, (field) => {
    if (field === F.AnyValue.stringValue) value = r.string();
    else if (field === F.AnyValue.boolValue) value = r.bool();
    else if (field === F.AnyValue.intValue) value = int64(r, ctx);
    else if (field === F.AnyValue.doubleValue) value = r.double();
    else if (field === F.AnyValue.bytesValue) value = new Uint8Array(r.bytes());
    else if (field === F.AnyValue.arrayValue) value = arrayValue(sub(r), ctx, depth);
    else if (field === F.AnyValue.kvlistValue) value = kvlistValue(sub(r), ctx, depth);
    else return false;
    return true;
  });
  return value;
}

function arrayValue(r: Reader, ctx: DecodeContext, depth: number): OtlpValue[] {
  const out: OtlpValue[] = [];
  fields(r, (field) => {
    if (field !== F.ArrayValue.values) return false;
    out.push(anyValue(sub(r), ctx, depth + 1));
    return true;
  });
  return out;
}

function kvlistValue(r: Reader, ctx: DecodeContext, depth: number): OtlpAttributes {
  const out: OtlpAttributes = {};
  fields(r, (field) => {
    if (field !== F.KeyValueList.values) return false;
    keyValue(sub(r), out, ctx, depth + 1);
    return true;
  });
  return out;
}
