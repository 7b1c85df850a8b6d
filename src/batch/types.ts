import type { FramedRecord } from '../otlp/encode-request.js';
import type { StatsSnapshot } from '../stats.js';

/**
 * Where the facade puts records. The real one is the batching pipeline; the testing kit
 * puts an in-memory capture here. A record is its encoded `LogRecord` bytes and the identity of
 * its resource and scope (requests group records by them); the facade's `EncodedRecord` is one.
 */
export interface RecordSink<R extends FramedRecord = FramedRecord> {
  /** Takes a record. Never throws, never blocks; a record it cannot keep is counted as dropped. */
  write(record: R): void;
  /**
   * True when `write` copies `record.bytes` before it returns and keeps no reference to them:
   * the caller may then hand it bytes in memory it reuses for the next record.
   */
  readonly copiesBytes?: boolean;
  /**
   * Counts one record its caller accepted but could not hand to `write` (encoding it threw):
   * `accepted += 1` and `dropped[reason] += 1`, so the loss shows in `stats()` and the
   * invariant holds. Never throws. Optional: a sink without it does not count such records.
   */
  discard?(reason: 'encode_error'): void;
  /** Queue fill, 0 (empty) to 1 (full). */
  readonly pressure: number;
  /**
   * Resolves when the queue is below its low-water mark, or below `below` (a fill, 0..1) when
   * that is lower; at once after shutdown began.
   */
  drained(below?: number): Promise<void>;
  /**
   * Resolves when everything written before the call is exported, spooled or dropped-and-counted,
   * and, with a spool, once the spool's backlog is sent too, as far as the backend takes it
   * within the shutdown deadline (`shutdownTimeoutMs`).
   */
  flush(): Promise<void>;
  /** Flushes within the deadline, then spools or counts the rest, and releases resources. */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
  /** Synchronous last resort for `process.exit()`: writes what is in memory to the spool, if any. */
  exitSync(): void;
  stats(): StatsSnapshot;
}
