/**
 * Counts log records in an OTLP logs request body without decoding them: a bare protobuf walk
 * ExportLogsServiceRequest.resource_logs(1) → ResourceLogs.scope_logs(2) → ScopeLogs.log_records(2).
 * The receiver must never be the bottleneck of a benchmark, so nothing else is parsed.
 */

/** Reads a varint at `pos`; returns [value, nextPos]. Values above 2^53 lose precision (fine for lengths). */
function varint(buf, pos) {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
    if (scale > 2 ** 63) throw new Error('varint too long');
  }
}

/** Skips the field of wire type `wt` starting at `pos`; returns the next position. */
function skip(buf, pos, wt) {
  switch (wt) {
    case 0:
      return varint(buf, pos)[1];
    case 1:
      return pos + 8;
    case 2: {
      const [len, p] = varint(buf, pos);
      return p + len;
    }
    case 5:
      return pos + 4;
    default:
      throw new Error(`unsupported wire type ${wt}`);
  }
}

/**
 * Calls `onField(start, end)` for each length-delimited field numbered `field` in buf[from, to).
 */
function eachLen(buf, from, to, field, onField) {
  let pos = from;
  while (pos < to) {
    const [tag, p] = varint(buf, pos);
    const wt = tag & 7;
    if (tag >>> 3 === field && wt === 2) {
      const [len, start] = varint(buf, p);
      const end = start + len;
      if (end > to) throw new Error('length prefix runs past its parent');
      onField(start, end);
      pos = end;
    } else {
      pos = skip(buf, p, wt);
    }
  }
  if (pos !== to) throw new Error('field runs past its parent');
}

/** Number of LogRecords in a protobuf `ExportLogsServiceRequest`. Throws on malformed framing. */
export function countProtobufRecords(buf) {
  let count = 0;
  eachLen(buf, 0, buf.length, 1, (rlStart, rlEnd) => {
    eachLen(buf, rlStart, rlEnd, 2, (slStart, slEnd) => {
      eachLen(buf, slStart, slEnd, 2, () => {
        count++;
      });
    });
  });
  return count;
}

/** Number of LogRecords in an OTLP/JSON `ExportLogsServiceRequest` (camelCase or snake_case keys). */
export function countJsonRecords(text) {
  const req = JSON.parse(text);
  let count = 0;
  for (const rl of req.resourceLogs ?? req.resource_logs ?? []) {
    for (const sl of rl.scopeLogs ?? rl.scope_logs ?? []) {
      count += (sl.logRecords ?? sl.log_records ?? []).length;
    }
  }
  return count;
}
