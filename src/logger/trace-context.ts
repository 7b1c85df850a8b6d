/**
 * Trace correlation through the optional `@opentelemetry/api` peer dependency, and trace-based
 * sampling ({@link TraceSampler}).
 *
 * It is loaded with `require` (via `createRequire(import.meta.url)`, which tsup shims in the
 * CJS build), synchronously and only once, so the first record already carries the span. The
 * API keeps its state on `globalThis`, so a copy loaded this way sees the context manager and
 * spans the application set up through its own `import`. When the package is not installed,
 * records simply carry no trace ids.
 */
// node:module's CJS object: an ESM import evaluates all its exports (docs/performance.md).
const { createRequire } = process.getBuiltinModule('node:module');

/** The part of a span context a record needs. */
export interface SpanContextLike {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

interface TraceApi {
  getActiveSpan(): { spanContext(): SpanContextLike } | undefined;
}

/** Returns the active span context, or `undefined`. Never throws. */
export type ActiveSpanContext = () => SpanContextLike | undefined;

const none: ActiveSpanContext = () => undefined;

/** Builds the lookup from a module loader; `undefined` loader result or a throw means "absent". */
export function traceContextFrom(load: () => unknown): ActiveSpanContext {
  let trace: TraceApi | undefined;
  try {
    const api = load() as { trace?: TraceApi } | undefined;
    if (api && typeof api.trace?.getActiveSpan === 'function') trace = api.trace;
  } catch {
    // Not installed (or broken): no correlation.
  }
  if (!trace) return none;
  const t = trace;
  return () => {
    try {
      const span = t.getActiveSpan();
      return span === undefined ? undefined : span.spanContext();
    } catch {
      return undefined;
    }
  };
}

/**
 * The span context a record belongs to: a foreign record's own when it gives one (`null`: in
 * no span, never the active one), else the active span's. The one lookup per record that both
 * trace sampling and the encoder use.
 */
export function recordSpanContext(
  own: SpanContextLike | null | undefined,
  active: ActiveSpanContext,
): SpanContextLike | undefined {
  return own === undefined ? active() : (own ?? undefined);
}

let cached: ActiveSpanContext | undefined;

/** The process-wide lookup backed by the installed `@opentelemetry/api`, if any. */
export function activeSpanContext(): ActiveSpanContext {
  cached ??= traceContextFrom(() => createRequire(import.meta.url)('@opentelemetry/api'));
  return cached;
}

/** W3C trace flags: the sampled bit. */
const SAMPLED = 0x01;
/** An all-zero span id is the invalid one (no span): such a record is not "in" a trace. */
const INVALID_SPAN_ID = '0000000000000000';

/**
 * Trace-based sampling (`sampling` option), as the OpenTelemetry Logs SDK's
 * `LoggerConfig.trace_based`: decides and counts the records it skips. A record associated with an unsampled trace (a valid span id,
 * trace flags without the sampled bit) is skipped; a record outside any span is not affected.
 * podlog adds a floor: records at `keepAtOrAbove` (default `warn`) are always kept, so an
 * unsampled request's warnings and errors still arrive.
 */
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
   * span context, looked up once per record by the caller ({@link recordSpanContext}): a record
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
