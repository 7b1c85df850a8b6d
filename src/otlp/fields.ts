/**
 * Field numbers of the OTLP logs protos (opentelemetry-proto, `logs/v1/logs.proto`,
 * `common/v1/common.proto`, `resource/v1/resource.proto`, `collector/logs/v1/logs_service.proto`).
 */

export const ExportLogsServiceRequest = { resourceLogs: 1 } as const;
export const ExportLogsServiceResponse = { partialSuccess: 1 } as const;
export const ExportLogsPartialSuccess = { rejectedLogRecords: 1, errorMessage: 2 } as const;
export const ResourceLogs = { resource: 1, scopeLogs: 2, schemaUrl: 3 } as const;
export const ScopeLogs = { scope: 1, logRecords: 2, schemaUrl: 3 } as const;
export const Resource = { attributes: 1, droppedAttributesCount: 2 } as const;
export const InstrumentationScope = { name: 1, version: 2, attributes: 3 } as const;
export const LogRecord = {
  timeUnixNano: 1,
  severityNumber: 2,
  severityText: 3,
  body: 5,
  attributes: 6,
  droppedAttributesCount: 7,
  flags: 8,
  traceId: 9,
  spanId: 10,
  observedTimeUnixNano: 11,
  eventName: 12,
} as const;
export const KeyValue = { key: 1, value: 2 } as const;
export const AnyValue = {
  stringValue: 1,
  boolValue: 2,
  intValue: 3,
  doubleValue: 4,
  arrayValue: 5,
  kvlistValue: 6,
  bytesValue: 7,
} as const;
export const ArrayValue = { values: 1 } as const;
export const KeyValueList = { values: 1 } as const;
