/** Number of LogRecords in a protobuf `ExportLogsServiceRequest`. Throws on malformed framing. */
export function countProtobufRecords(buf: Uint8Array): number;
/** Number of LogRecords in an OTLP/JSON `ExportLogsServiceRequest`. */
export function countJsonRecords(text: string): number;
