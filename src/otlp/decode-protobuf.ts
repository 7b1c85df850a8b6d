import { DecodeError } from '../errors.js';
import * as F from './fields.js';
import { payload, Reader } from './protobuf.js';
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

/** Counts one more record; throws `DecodeError` past `maxRecords`. */
export function countRecord(ctx: DecodeContext): void {
  if (++ctx.records > ctx.maxRecords) throw new DecodeError(`more than ${ctx.maxRecords} log records`);
}

/** Decodes a protobuf `ExportLogsServiceRequest`. Throws `DecodeError` on malformed input. */
export function decodeProtobufRequest(body: Uint8Array, options: DecodeOptions = {}): DecodedLogsRequest {
  const ctx = decodeContext(options);
  try {
    const r = Reader.create(body);
    const out: DecodedLogsRequest = { resourceLogs: [] };
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 === F.ExportLogsServiceRequest.resourceLogs && (t & 7) === 2) {
        out.resourceLogs.push(resourceLogs(sub(r), ctx));
      } else r.skipType(t & 7);
    }
    return out;
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
function fields(r: Reader, read: (field: number) => boolean): void {
  while (r.pos < r.len) {
    const t = r.uint32();
    if (!read(t >>> 3)) r.skipType(t & 7);
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

function fixed64(r: Reader): bigint {
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
  while (r.pos < r.len) {
    const t = r.uint32();
    const wt = t & 7;
    switch (t >>> 3) {
      case F.LogRecord.timeUnixNano:
        if (wt !== 1) throw new DecodeError('time_unix_nano must be fixed64');
        out.timeUnixNano = fixed64(r);
        break;
      case F.LogRecord.observedTimeUnixNano:
        if (wt !== 1) throw new DecodeError('observed_time_unix_nano must be fixed64');
        out.observedTimeUnixNano = fixed64(r);
        break;
      case F.LogRecord.severityNumber:
        out.severityNumber = r.int32();
        break;
      case F.LogRecord.severityText:
        out.severityText = r.string();
        break;
      case F.LogRecord.body:
        out.body = anyValue(sub(r), ctx, 0);
        break;
      case F.LogRecord.attributes:
        keyValue(sub(r), out.attributes, ctx, 0);
        break;
      case F.LogRecord.droppedAttributesCount:
        out.droppedAttributesCount = r.uint32();
        break;
      case F.LogRecord.flags:
        out.flags = r.fixed32() >>> 0;
        break;
      case F.LogRecord.traceId:
        out.traceId = hex(r.bytes());
        break;
      case F.LogRecord.spanId:
        out.spanId = hex(r.bytes());
        break;
      case F.LogRecord.eventName:
        out.eventName = r.string();
        break;
      default:
        r.skipType(wt);
    }
  }
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
  const v = BigInt.asIntN(64, (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0));
  if (ctx.ints === 'number' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(v);
  }
  return v;
}

function anyValue(r: Reader, ctx: DecodeContext, depth: number): OtlpValue {
  if (depth > ctx.maxDepth) throw new DecodeError(`AnyValue nested deeper than ${ctx.maxDepth}`);
  let value: OtlpValue = null;
  while (r.pos < r.len) {
    const t = r.uint32();
    switch (t >>> 3) {
      case F.AnyValue.stringValue:
        value = r.string();
        break;
      case F.AnyValue.boolValue:
        value = r.bool();
        break;
      case F.AnyValue.intValue:
        value = int64(r, ctx);
        break;
      case F.AnyValue.doubleValue:
        value = r.double();
        break;
      case F.AnyValue.bytesValue:
        value = new Uint8Array(r.bytes());
        break;
      case F.AnyValue.arrayValue: {
        const arr: OtlpValue[] = [];
        const a = sub(r);
        fields(a, (f) => {
          if (f !== F.ArrayValue.values) return false;
          arr.push(anyValue(sub(a), ctx, depth + 1));
          return true;
        });
        value = arr;
        break;
      }
      case F.AnyValue.kvlistValue: {
        const obj: OtlpAttributes = {};
        const k = sub(r);
        fields(k, (f) => {
          if (f !== F.KeyValueList.values) return false;
          keyValue(sub(k), obj, ctx, depth + 1);
          return true;
        });
        value = obj;
        break;
      }
      default:
        r.skipType(t & 7);
    }
  }
  return value;
}
