/**
 * Who feeds podlog from the OpenTelemetry SDK, process-wide: the live `PodlogLogRecordProcessor`s
 * and whether a `LoggerProvider` is podlog's own. Kept on `globalThis` under registered symbols,
 * so the ESM and CJS copies of podlog (both can be loaded in one process) agree, and so both
 * setup orders (podlog's provider first, or NodeSDK with the processor first) end in one
 * pipeline (see docs/otel-sdk.md).
 */

const PROCESSORS = Symbol.for('podlog.otel.processors');
/** Marks podlog's own `LoggerProvider` and `LogRecordProcessor` objects (survives two copies). */
export const PODLOG_PROVIDER: unique symbol = Symbol.for('podlog.otel.provider') as never;
export const PODLOG_PROCESSOR: unique symbol = Symbol.for('podlog.otel.processor') as never;

/**
 * The live `PodlogLogRecordProcessor`s (created, not shut down): while there is one, the SDK's
 * provider feeds podlog.
 */
export function liveProcessors(): Set<object> {
  const g = globalThis as { [PROCESSORS]?: Set<object> };
  g[PROCESSORS] ??= new Set();
  return g[PROCESSORS];
}

/** True for podlog's `PodlogLoggerProvider` (either copy of podlog). */
export function isPodlogProvider(value: unknown): boolean {
  return typeof value === 'object' && value !== null && PODLOG_PROVIDER in value;
}

/** True for podlog's `PodlogLogRecordProcessor` (either copy of podlog). */
export function isPodlogProcessor(value: unknown): boolean {
  return typeof value === 'object' && value !== null && PODLOG_PROCESSOR in value;
}

/**
 * What an OpenTelemetry SDK `LoggerProvider` holds, read defensively: its log record processors
 * and resource live in `_sharedState` (sdk-logs 0.4x to 0.2xx), not in public API. Undefined when
 * `provider` is not an SDK provider or the layout is unknown: callers then fall back to what the
 * public API shows (the first record's resource).
 */
export function sdkProviderState(
  provider: unknown,
): { processors: readonly unknown[]; resource: { attributes: object } | undefined } | undefined {
  try {
    const state = (provider as { _sharedState?: unknown } | null)?._sharedState as
      | { registeredLogRecordProcessors?: unknown; resource?: unknown }
      | undefined;
    if (state === undefined || state === null || !Array.isArray(state.registeredLogRecordProcessors)) {
      return undefined;
    }
    // Not `resource.attributes`: reading them before the SDK's async detectors settle is an
    // error in the SDK's diagnostics (the merge waits for them, otel-parts.ts).
    const resource = state.resource;
    return {
      processors: state.registeredLogRecordProcessors,
      resource:
        resource !== null && typeof resource === 'object' && 'attributes' in resource
          ? (resource as { attributes: object })
          : undefined,
    };
  } catch {
    return undefined;
  }
}
