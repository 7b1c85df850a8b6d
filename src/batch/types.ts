import type { EncodedRecord } from '../record/types.js';
import type { StatsSnapshot } from '../stats.js';

/**
 * Where the facade puts records. The real one is the batching pipeline; the testing kit
 * puts an in-memory capture here.
 */
export interface RecordSink {
  /** Takes a record. Never throws, never blocks; a record it cannot keep is counted as dropped. */
  write(record: EncodedRecord): void;
  /** Queue fill, 0 (empty) to 1 (full). */
  readonly pressure: number;
  /** Resolves when the queue is below its low-water mark. */
  drained(): Promise<void>;
  /** Resolves when everything written before the call is exported, spooled or dropped-and-counted. */
  flush(): Promise<void>;
  /** Flushes within the deadline, then spools or counts the rest, and releases resources. */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
  /** Synchronous last resort for `process.exit()`: writes what is in memory to the spool, if any. */
  exitSync(): void;
  stats(): StatsSnapshot;
}
