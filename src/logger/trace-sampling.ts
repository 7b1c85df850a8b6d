/**
 * Trace-based sampling (`sampling` option), as the OpenTelemetry Logs SDK's
 * `LoggerConfig.trace_based`: a record associated with an unsampled trace (a valid span id,
 * trace flags without the sampled bit) is skipped; a record outside any span is not affected.
 * podlog adds a floor: records at `keepAtOrAbove` (default `warn`) are always kept, so an
 * unsampled request's warnings and errors still arrive.
 */
import type { SpanContextLike } from './trace-context.js';

/** W3C trace flags: the sampled bit. */
const SAMPLED = 0x01;
/** An all-zero span id is the invalid one (no span): such a record is not "in" a trace. */
const INVALID_SPAN_ID = '0000000000000000';

/** Decides and counts the records sampling skips. */
export class TraceSampler {
  /** Severity number from which records are kept whatever the trace's decision. */
  readonly keepFrom: number;
  #sampledOut = 0;

  constructor(keepFrom: number) {
    this.keepFrom = keepFrom;
  }

  /** Records skipped so far (`stats().sampledOut`). */
  get sampledOut(): number {
    return this.#sampledOut;
  }

  /**
   * True, and counted, when `span` belongs to an unsampled trace. `span` is the record's own
   * span context, looked up once per record by the caller (`recordSpanContext` in trace-context.ts): a record
   * outside any span (`undefined`, or a bridged record's `null`) is never skipped.
   */
  skips(span: SpanContextLike | null | undefined): boolean {
    if (span == null || (span.traceFlags & SAMPLED) === SAMPLED || span.spanId === INVALID_SPAN_ID) {
      return false;
    }
    this.#sampledOut += 1;
    return true;
  }
}
