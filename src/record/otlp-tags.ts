/**
 * Protobuf tag bytes (`field_number << 3 | wire_type`) of the OTLP messages the record stage
 * writes. They live apart from the encoders so that modules writing the same message (a
 * record's attributes are written both per call and once per child's bindings) share them
 * without importing each other.
 */

// AnyValue: string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7.
export const T_STRING = 0x0a;
export const T_BOOL = 0x10;
export const T_INT = 0x18;
export const T_DOUBLE = 0x21;
export const T_ARRAY = 0x2a;
export const T_KVLIST = 0x32;
export const T_BYTES = 0x3a;

/** ArrayValue.values / KeyValueList.values / Resource.attributes: field 1, LEN. */
export const T_VALUES = 0x0a;

// KeyValue: key 1, value 2.
export const T_KEY = 0x0a;
export const T_VALUE = 0x12;

// LogRecord.
export const T_TIME = 0x09; // 1, fixed64
export const T_SEVERITY = 0x10; // 2, varint
export const T_SEVERITY_TEXT = 0x1a; // 3
export const T_BODY = 0x2a; // 5
/** LogRecord.attributes: field 6, LEN. */
export const T_ATTRIBUTE = 0x32;
export const T_DROPPED = 0x38; // 7, varint
export const T_FLAGS = 0x45; // 8, fixed32
export const T_TRACE = 0x4a; // 9
export const T_SPAN = 0x52; // 10
export const T_OBSERVED = 0x59; // 11, fixed64
export const T_EVENT = 0x62; // 12
