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

/** OTLP attributes (a list of KeyValue) as an object, key → value. */
export type OtlpAttributes = { [key: string]: OtlpValue };

/** One decoded OTLP `LogRecord`. Absent fields have their protobuf default (0, `''`). */
export interface DecodedLogRecord {
  /** When the event happened, ns since the Unix epoch (0 when unknown). */
  timeUnixNano: bigint;
  /** When the record was observed (by podlog: the log call), ns since the Unix epoch. */
  observedTimeUnixNano: bigint;
  /** OTel severity number, 1–24 (0: unspecified). */
  severityNumber: number;
  /** Severity as text, e.g. `INFO`. */
  severityText: string;
  /** The body (podlog: the message), `undefined` when absent. */
  body: OtlpValue | undefined;
  /** The record's attributes. */
  attributes: OtlpAttributes;
  /** Attributes the sender left out (limits). */
  droppedAttributesCount: number;
  /** W3C trace flags (low 8 bits), 0 when absent. */
  flags: number;
  /** Lower-case hex, `''` when absent. */
  traceId: string;
  /** Lower-case hex, `''` when absent. */
  spanId: string;
  /** Event name (`log.event(name)`), `''` when absent. */
  eventName: string;
}

/** The instrumentation scope of a group of records (podlog: the logger name). */
export interface DecodedScope {
  /** Scope name (podlog: the logger's `name`). */
  name: string;
  /** Scope version, `''` when absent. */
  version: string;
  /** Scope attributes. */
  attributes: OtlpAttributes;
}

/** The records of one scope. */
export interface DecodedScopeLogs {
  /** Who emitted them. */
  scope: DecodedScope;
  /** The records, in request order. */
  logRecords: DecodedLogRecord[];
  /** Schema URL, `''` when absent. */
  schemaUrl: string;
}

/** The records of one resource (podlog: one process), grouped by scope. */
export interface DecodedResourceLogs {
  /** The resource (service, pod, container…) as attributes. */
  resource: { attributes: OtlpAttributes; droppedAttributesCount: number };
  /** Its records, by scope. */
  scopeLogs: DecodedScopeLogs[];
  /** Schema URL, `''` when absent. */
  schemaUrl: string;
}

/** A decoded OTLP `ExportLogsServiceRequest`. */
export interface DecodedLogsRequest {
  /** The records, by resource. */
  resourceLogs: DecodedResourceLogs[];
}

/** Options of the OTLP decoders (`decodeLogsRequest`, `decodeProtobufRequest`). */
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
