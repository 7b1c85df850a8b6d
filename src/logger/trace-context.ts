/**
 * Trace correlation through the optional `@opentelemetry/api` peer dependency.
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
