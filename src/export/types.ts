/**
 * The seam between batching and the backend. The batch stage hands the exporter finished
 * batches; the exporter reports what became of every record in them.
 */
import type { DropReason } from '../stats.js';

/** One export request's worth of records, already framed as an OTLP request body. */
export interface Batch {
  /** Stable id, sent as the `podlog-batch-id` header so a backend can de-duplicate replays. */
  readonly id: string;
  /** Number of log records in `body`. */
  readonly count: number;
  /** Protobuf `ExportLogsServiceRequest`, uncompressed. (JSON is transcoded at send time.) */
  readonly body: Uint8Array;
}

/**
 * What became of a batch. Always accounts for every record:
 * `batch.count = exported + sum(dropped) + sum(undelivered[i].count)`.
 */
export interface ExportOutcome {
  /** Records the backend acknowledged. */
  exported: number;
  /** Records the backend refused for good (400, 413 single record, partial success), by reason. */
  dropped: Partial<Record<DropReason, number>>;
  /**
   * Parts that could not be delivered within the retry budget (backend down, 429/503 storm).
   * The caller keeps them: spool them, or count them as `retries_exhausted`.
   */
  undelivered: Batch[];
}

export interface Exporter {
  /** Sends a batch with retries. Never rejects; failures are reported in the outcome. */
  export(batch: Batch, options?: { signal?: AbortSignal }): Promise<ExportOutcome>;
  /**
   * False while the backend is failing and the next probe is not due yet (backoff or
   * `Retry-After` running, or a probe in flight). True again once the backoff has passed, so a
   * spool replay may be the probe when the application is idle (otherwise nothing would find out
   * that the backend is back). The spool replays only when true.
   */
  readonly healthy: boolean;
  /** Closes connections. In-flight exports finish or abort. */
  close(): Promise<void>;
}
