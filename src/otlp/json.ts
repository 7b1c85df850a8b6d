/**
 * The OTLP/JSON mapping (OTLP spec, "JSON Protobuf Encoding"): lowerCamelCase keys, enums as
 * integers, trace/span ids as hex, 64-bit integers as decimal strings, bytes as base64.
 *
 * podlog encodes records once, as protobuf. For `http/json` the exporter transcodes a finished
 * protobuf request body here, off the hot path.
 */
import {
  countRecord,
  type DecodeContext,
  DecodeError,
  decodeContext,
  decodeProtobufRequest,
  int64Value,
  setKey,
} from './decode-protobuf.js';
import type {
  DecodedLogRecord,
  DecodedLogsRequest,
  DecodeOptions,
  OtlpAttributes,
  OtlpValue,
} from './types.js';

type JsonAnyValue = Record<string, unknown>;

function anyValueToJson(value: OtlpValue | undefined): JsonAnyValue {
  if (value === null || value === undefined) return {};
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: value.toString() };
    case 'number':
      // Decoded with `ints: 'bigint'`, a number is always a double.
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValueToJson) } };
  return { kvlistValue: { values: attributesToJson(value) } };
}

function attributesToJson(attrs: OtlpAttributes): Array<{ key: string; value: JsonAnyValue }> {
  return Object.keys(attrs).map((key) => ({ key, value: anyValueToJson(attrs[key]) }));
}

// A field at its default is left out of the JSON: `undefined`, which JSON.stringify skips.

function recordToJson(r: DecodedLogRecord): Record<string, unknown> {
  const attributes = attributesToJson(r.attributes);
  return {
    timeUnixNano: r.timeUnixNano.toString(),
    observedTimeUnixNano: r.observedTimeUnixNano.toString(),
    severityNumber: r.severityNumber,
    severityText: r.severityText || undefined,
    body: r.body === undefined ? undefined : anyValueToJson(r.body),
    attributes: attributes.length > 0 ? attributes : undefined,
    droppedAttributesCount: r.droppedAttributesCount || undefined,
    flags: r.flags || undefined,
    traceId: r.traceId || undefined,
    spanId: r.spanId || undefined,
    eventName: r.eventName || undefined,
  };
}

/** A decoded request as an OTLP/JSON object tree (for `JSON.stringify` only). */
function requestToJsonObject(req: DecodedLogsRequest): Record<string, unknown> {
  return {
    resourceLogs: req.resourceLogs.map((rl) => ({
      resource: {
        attributes: attributesToJson(rl.resource.attributes),
        droppedAttributesCount: rl.resource.droppedAttributesCount || undefined,
      },
      scopeLogs: rl.scopeLogs.map((sl) => ({
        scope: {
          name: sl.scope.name,
          version: sl.scope.version || undefined,
          attributes: Object.keys(sl.scope.attributes).length
            ? attributesToJson(sl.scope.attributes)
            : undefined,
        },
        logRecords: sl.logRecords.map(recordToJson),
        schemaUrl: sl.schemaUrl || undefined,
      })),
      schemaUrl: rl.schemaUrl || undefined,
    })),
  };
}

/** Transcodes a protobuf `ExportLogsServiceRequest` body into its OTLP/JSON text. */
export function protobufRequestToJson(body: Uint8Array): string {
  return JSON.stringify(requestToJsonObject(decodeProtobufRequest(body)));
}

// ---- JSON → decoded ----------------------------------------------------------------------

function fail(message: string): never {
  throw new DecodeError(`malformed OTLP JSON body: ${message}`);
}

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function asArray(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${what} must be an array`);
  return v;
}

function asString(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(`${what} must be a string`);
  return v;
}

function asUint64(v: unknown, what: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  fail(`${what} must be an unsigned 64-bit integer (string or number)`);
}

function asInt(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,10}$/.test(v)) return Number(v);
  fail(`${what} must be an integer`);
}

function asHexId(v: unknown, bytes: number, what: string): string {
  const s = asString(v, what);
  if (s === '') return '';
  if (s.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(s)) fail(`${what} must be ${bytes * 2} hex digits`);
  return s.toLowerCase();
}

function jsonToAttributes(v: unknown, ctx: DecodeContext, depth: number): OtlpAttributes {
  const out: OtlpAttributes = {};
  for (const kv of asArray(v, 'attributes')) {
    const o = asObject(kv, 'KeyValue');
    setKey(out, asString(o.key, 'KeyValue.key'), jsonToAnyValue(o.value, ctx, depth + 1));
  }
  return out;
}

function jsonToAnyValue(v: unknown, ctx: DecodeContext, depth: number): OtlpValue {
  if (depth > ctx.maxDepth) fail(`AnyValue nested deeper than ${ctx.maxDepth}`);
  const o = asObject(v, 'AnyValue');
  if ('stringValue' in o) return asString(o.stringValue, 'stringValue');
  if ('boolValue' in o) {
    if (typeof o.boolValue !== 'boolean') fail('boolValue must be a boolean');
    return o.boolValue;
  }
  if ('intValue' in o) {
    const raw = o.intValue;
    let n: bigint;
    if (typeof raw === 'number' && Number.isInteger(raw)) n = BigInt(raw);
    else if (typeof raw === 'string' && /^-?\d{1,19}$/.test(raw)) n = BigInt(raw);
    else fail('intValue must be a 64-bit integer');
    if (n !== BigInt.asIntN(64, n)) fail('intValue out of int64 range');
    return int64Value(n, ctx);
  }
  if ('doubleValue' in o) {
    const d = o.doubleValue;
    if (typeof d === 'number') return d;
    if (d === 'NaN' || d === 'Infinity' || d === '-Infinity') return Number(d);
    fail('doubleValue must be a number');
  }
  if ('bytesValue' in o) return new Uint8Array(Buffer.from(asString(o.bytesValue, 'bytesValue'), 'base64'));
  if ('arrayValue' in o) {
    return asArray(asObject(o.arrayValue, 'arrayValue').values, 'arrayValue.values').map((x) =>
      jsonToAnyValue(x, ctx, depth + 1),
    );
  }
  if ('kvlistValue' in o) return jsonToAttributes(asObject(o.kvlistValue, 'kvlistValue').values, ctx, depth);
  return null;
}

/** Decodes an OTLP/JSON `ExportLogsServiceRequest` (text or bytes). Throws `DecodeError`. */
export function decodeJsonRequest(
  body: string | Uint8Array,
  options: DecodeOptions = {},
): DecodedLogsRequest {
  const ctx = decodeContext(options);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch (err) {
    throw new DecodeError(`malformed OTLP JSON body: ${(err as Error).message}`, { cause: err });
  }
  const root = asObject(parsed, 'request');
  return {
    resourceLogs: asArray(root.resourceLogs, 'resourceLogs').map((rlRaw) => {
      const rl = asObject(rlRaw, 'ResourceLogs');
      const res = asObject(rl.resource, 'resource');
      return {
        resource: {
          attributes: jsonToAttributes(res.attributes, ctx, 0),
          droppedAttributesCount: asInt(res.droppedAttributesCount, 'droppedAttributesCount'),
        },
        schemaUrl: asString(rl.schemaUrl, 'schemaUrl'),
        scopeLogs: asArray(rl.scopeLogs, 'scopeLogs').map((slRaw) => {
          const sl = asObject(slRaw, 'ScopeLogs');
          const scope = asObject(sl.scope, 'scope');
          return {
            scope: {
              name: asString(scope.name, 'scope.name'),
              version: asString(scope.version, 'scope.version'),
              attributes: jsonToAttributes(scope.attributes, ctx, 0),
            },
            schemaUrl: asString(sl.schemaUrl, 'schemaUrl'),
            logRecords: asArray(sl.logRecords, 'logRecords').map((lrRaw) => {
              countRecord(ctx);
              const lr = asObject(lrRaw, 'LogRecord');
              const rec: DecodedLogRecord = {
                timeUnixNano: asUint64(lr.timeUnixNano, 'timeUnixNano'),
                observedTimeUnixNano: asUint64(lr.observedTimeUnixNano, 'observedTimeUnixNano'),
                severityNumber: asInt(lr.severityNumber, 'severityNumber'),
                severityText: asString(lr.severityText, 'severityText'),
                body: lr.body === undefined ? undefined : jsonToAnyValue(lr.body, ctx, 0),
                attributes: jsonToAttributes(lr.attributes, ctx, 0),
                droppedAttributesCount: asInt(lr.droppedAttributesCount, 'droppedAttributesCount'),
                flags: asInt(lr.flags, 'flags') >>> 0,
                traceId: asHexId(lr.traceId, 16, 'traceId'),
                spanId: asHexId(lr.spanId, 8, 'spanId'),
                eventName: asString(lr.eventName, 'eventName'),
              };
              return rec;
            }),
          };
        }),
      };
    }),
  };
}
