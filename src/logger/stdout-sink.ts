/**
 * The stdout mirror: a `RecordSink` decorator that writes each record as a line on stdout
 * (see record/format-line.ts) after handing it to the real sink. It decodes the record's
 * bytes, so the line shows exactly what was sent (redacted, limited). Only on when asked
 * for, or when no OTLP endpoint is configured (record/options.ts).
 *
 * `process.stdout.write` is synchronous for files and, on Linux, for pipes: with a slow
 * reader the mirror can block. Container runtimes drain stdout quickly; the mirror is off by
 * default wherever an endpoint is configured.
 */
import type { RecordSink } from '../batch/types.js';
import type { Diag } from '../diag.js';
import { decodeLogRecord } from '../otlp/decode-protobuf.js';
import { formatJsonLine, formatPrettyLine } from '../record/format-line.js';
import type { StdoutFormat } from '../record/options.js';
import type { EncodedRecord } from '../record/types.js';
import { withHooks } from './sink-hooks.js';

type LineWriter = (line: string) => void;

const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(line);
};

export function withStdoutMirror(
  sink: RecordSink<EncodedRecord>,
  format: Exclude<StdoutFormat, false>,
  diag: Diag,
  write: LineWriter = stdoutWriter,
  color: boolean = format === 'pretty' && process.stdout.isTTY === true,
): RecordSink<EncodedRecord> {
  const mirror = (record: EncodedRecord) => {
    try {
      const decoded = decodeLogRecord(record.bytes, { ints: 'bigint' });
      write(
        format === 'json'
          ? formatJsonLine(decoded, record.scope.name)
          : formatPrettyLine(decoded, record.scope.name, color),
      );
    } catch (err) {
      diag.warn('stdout-mirror', `could not write a record to stdout: ${(err as Error)?.name}`);
    }
  };
  // The mirror is done with the bytes when `write` returns: `copiesBytes` passes through.
  return withHooks(sink, { afterWrite: mirror });
}
