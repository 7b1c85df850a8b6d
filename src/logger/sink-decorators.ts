/**
 * The facade's `RecordSink` decorators: wrappers that run hooks around the wrapped sink's calls
 * and pass everything else through. Decorators never patch the sink they are given (the caller
 * may hold it): `buildLogger` runs the rate limiter's summaries and the resource watcher's close
 * before flush and shutdown; the stdout mirror prints each record after it is written.
 */
import type { RecordSink } from '../batch/types.js';
import type { Diag } from '../diag.js';
import { decodeLogRecord } from '../otlp/decode-protobuf.js';
import { formatJsonLine, formatPrettyLine } from '../record/format-line.js';
import type { StdoutFormat } from '../record/options.js';
import type { EncodedRecord } from '../record/types.js';

/** What {@link withHooks} runs around the wrapped sink's calls. */
interface SinkHooks {
  /** After each `write` (the record's bytes are still valid: nothing is encoded in between). */
  afterWrite?(record: EncodedRecord): void;
  beforeFlush?(): void;
  beforeShutdown?(): void;
}

/**
 * `sink` with `hooks` run around `write`, `flush` and `shutdown`; everything else passes
 * through (including `discard`, so a record the facade could not encode is still counted,
 * and `copiesBytes`).
 */
export function withHooks(sink: RecordSink<EncodedRecord>, hooks: SinkHooks): RecordSink<EncodedRecord> {
  const { afterWrite, beforeFlush, beforeShutdown } = hooks;
  return {
    write:
      afterWrite === undefined
        ? (record) => sink.write(record)
        : (record) => {
            sink.write(record);
            afterWrite(record);
          },
    discard: sink.discard ? (reason) => sink.discard?.(reason) : undefined,
    copiesBytes: sink.copiesBytes,
    get pressure() {
      return sink.pressure;
    },
    drained: (below) => sink.drained(below),
    flush: () => {
      beforeFlush?.();
      return sink.flush();
    },
    shutdown: (options) => {
      beforeShutdown?.();
      return sink.shutdown(options);
    },
    exitSync: () => sink.exitSync(),
    stats: () => sink.stats(),
  };
}

const stdoutWriter = (line: string): void => {
  process.stdout.write(line);
};

/**
 * The stdout mirror: writes each record as a line on stdout (see record/format-line.ts) after
 * handing it to `sink`. It decodes the record's bytes, so the line shows exactly what was sent
 * (redacted, limited). Only on when asked for, or when no OTLP endpoint is configured
 * (record/options.ts).
 *
 * `process.stdout.write` is synchronous for files and, on Linux, for pipes: with a slow
 * reader the mirror can block. Container runtimes drain stdout quickly; the mirror is off by
 * default wherever an endpoint is configured.
 */
export function withStdoutMirror(
  sink: RecordSink<EncodedRecord>,
  format: Exclude<StdoutFormat, false>,
  diag: Diag,
  write = stdoutWriter,
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
