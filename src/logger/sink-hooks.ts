/**
 * The one `RecordSink` decorator of the facade: a wrapper that runs hooks around the wrapped
 * sink's calls and passes everything else through. Decorators never patch the sink they are
 * given (the caller may hold it): `buildLogger` runs the rate limiter's summaries and the
 * resource watcher's close before flush and shutdown, the stdout mirror prints each record
 * after it is written.
 */
import type { RecordSink } from '../batch/types.js';
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
