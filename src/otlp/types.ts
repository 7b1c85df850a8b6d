/**
 * Plain-object view of an OTLP logs request, as decoded from protobuf or JSON.
 * Used by the receiver, the testing kit and conformance tests; the hot path never builds it.
 */

/** An OTLP AnyValue. int64 is `bigint` (or `number` when decoded with `ints: 'number'` and safe). */
export type OtlpValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | OtlpValue[]
  | { [key: string]: OtlpValue };

export type OtlpAttributes = { [key: string]: OtlpValue };

export interface DecodedLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: OtlpValue | undefined;
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
  flags: number;
  /** Lower-case hex, `''` when absent. */
  traceId: string;
  /** Lower-case hex, `''` when absent. */
  spanId: string;
  eventName: string;
}

export interface DecodedScope {
  name: string;
  version: string;
  attributes: OtlpAttributes;
}

export interface DecodedScopeLogs {
  scope: DecodedScope;
  logRecords: DecodedLogRecord[];
  schemaUrl: string;
}

export interface DecodedResourceLogs {
  resource: { attributes: OtlpAttributes; droppedAttributesCount: number };
  scopeLogs: DecodedScopeLogs[];
  schemaUrl: string;
}

export interface DecodedLogsRequest {
  resourceLogs: DecodedResourceLogs[];
}

export interface DecodeOptions {
  /** How int64 values come out: always `bigint` (lossless, default) or `number` when safe. */
  ints?: 'bigint' | 'number';
  /** Deepest AnyValue nesting accepted before the body is called malformed. Default 64. */
  maxDepth?: number;
  /**
   * Most log records accepted in one request (a `DecodeError` beyond). A 2-byte empty record
   * decodes to a ~180-byte object, so a receiver bounds its memory with this. Default: no limit.
   */
  maxRecords?: number;
}
