/**
 * podlog's counters as the OpenTelemetry SDK's self-observability metrics (semantic conventions
 * "OpenTelemetry SDK metrics", development status): a backend that charts the SDK's own log
 * pipeline charts podlog's the same way. Every instrument is observable and read from one
 * `log.stats()` snapshot per collection: the numbers are the ones `stats()` shows, with no
 * second bookkeeping. The instruments and what each reads: {@link INSTRUMENTS} and `observe`
 * below; the table with their attributes: docs/otel-sdk.md.
 */
import {
  type Attributes,
  type BatchObservableCallback,
  type BatchObservableResult,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  metrics,
  type Observable,
} from '@opentelemetry/api';
import type { Logger } from '../../logger/logger.js';
import { DROP_REASONS, type DropReason, type StatsSnapshot } from '../../stats.js';
import { VERSION } from '../../version.js';

/** Options of {@link enableMetrics}. */
export interface EnableMetricsOptions {
  /** Default: the global one (`metrics.getMeterProvider()`, NodeSDK's once `sdk.start()` ran). */
  meterProvider?: MeterProvider;
  /** `otel.component.name` of the observations. Default `podlog`. */
  componentName?: string;
}

/** What {@link enableMetrics} returns. */
export interface PodlogMetrics {
  /** False when there was no meter provider (the global one is the API's no-op): nothing is reported. */
  readonly active: boolean;
  /** Stops reporting (removes the observable callback). */
  disable(): void;
}

/** Drops the exporter reports (the export finished and failed); the rest are the processor's. */
const EXPORT_FAILURES: readonly DropReason[] = ['rejected', 'retries_exhausted'];
const UNIT = '{log_record}';

/** The instruments, created in this order; `counter`: monotonic. */
const INSTRUMENTS = {
  processed: {
    name: 'otel.sdk.processor.log.processed',
    counter: true,
    description:
      'The number of log records for which the processing has finished, either successful or failed.',
  },
  queueSize: {
    name: 'otel.sdk.processor.log.queue.size',
    counter: false,
    description: 'The number of log records in the queue of a given instance of an SDK log processor.',
  },
  queueCapacity: {
    name: 'otel.sdk.processor.log.queue.capacity',
    counter: false,
    description:
      'The maximum number of log records the queue of a given instance of an SDK Log Record processor can hold.',
  },
  exported: {
    name: 'otel.sdk.exporter.log.exported',
    counter: true,
    description: 'The number of log records for which the export has finished, either successful or failed.',
  },
  inflight: {
    name: 'otel.sdk.exporter.log.inflight',
    counter: false,
    description:
      'The number of log records which were passed to the exporter, but that have not been exported yet.',
  },
  spooled: {
    name: 'podlog.spool.spooled',
    counter: false,
    description: "Log records in podlog's on-disk spool, waiting for replay.",
  },
  recovered: {
    name: 'podlog.spool.recovered',
    counter: true,
    description: 'Log records podlog found in the spool of an earlier process.',
  },
  spoolBytes: {
    name: 'podlog.spool.bytes',
    counter: false,
    unit: 'By',
    description: "Bytes of the batches in podlog's on-disk spool, waiting for replay.",
  },
} satisfies Record<string, { name: string; counter: boolean; unit?: string; description: string }>;

type Instruments = Record<keyof typeof INSTRUMENTS, Observable>;

/** Meter providers each logger already reports to: enabling twice must not double the numbers. */
const reporting = new WeakMap<Logger, WeakSet<MeterProvider>>();

/** The semconv `error.type` of a drop reason. */
function errorType(reason: DropReason): string {
  return reason === 'after_shutdown' ? 'already_shutdown' : reason;
}

/**
 * Reports `log`'s counters as OpenTelemetry SDK metrics through a `MeterProvider` (the table
 * of metrics: docs/otel-sdk.md). Call it after
 * `sdk.start()` when using the global provider; a `PodlogLogRecordProcessor` calls it for you
 * once NodeSDK's providers are registered. Never throws.
 *
 * @example
 * import { metrics } from '@opentelemetry/api';
 * enableMetrics(log, { meterProvider: metrics.getMeterProvider() });
 */
export function enableMetrics(log: Logger, options: EnableMetricsOptions = {}): PodlogMetrics {
  const inactive: PodlogMetrics = { active: false, disable: () => {} };
  try {
    const provider = options.meterProvider ?? metrics.getMeterProvider();
    const meter = provider.getMeter('podlog', VERSION);
    if (meter === createNoopMeter()) return inactive;
    let seen = reporting.get(log);
    if (seen === undefined) {
      seen = new WeakSet();
      reporting.set(log, seen);
    }
    if (seen.has(provider)) return { active: true, disable: () => {} };
    seen.add(provider);

    const instruments = createInstruments(meter);
    const observables = Object.values(instruments);
    const name = options.componentName ?? 'podlog';
    const callback: BatchObservableCallback = (result) => {
      let s: StatsSnapshot;
      try {
        s = log.stats();
      } catch {
        return; // stats() does not throw; a collection must not fail if it ever did
      }
      observe(result, instruments, s, name);
    };
    meter.addBatchObservableCallback(callback, observables);
    let on = true;
    return {
      active: true,
      disable() {
        if (!on) return;
        on = false;
        seen.delete(provider);
        meter.removeBatchObservableCallback(callback, observables);
      },
    };
  } catch {
    return inactive;
  }
}

function createInstruments(meter: Meter): Instruments {
  const out: Partial<Instruments> = {};
  for (const [key, spec] of Object.entries(INSTRUMENTS)) {
    const options = { unit: 'unit' in spec ? spec.unit : UNIT, description: spec.description };
    out[key as keyof Instruments] = spec.counter
      ? meter.createObservableCounter(spec.name, options)
      : meter.createObservableUpDownCounter(spec.name, options);
  }
  return out as Instruments;
}

/** One collection: the snapshot `s` as the instruments' observations. */
function observe(result: BatchObservableResult, i: Instruments, s: StatsSnapshot, name: string): void {
  const processor: Attributes = {
    'otel.component.type': 'batching_log_processor',
    'otel.component.name': name,
  };
  const exporter: Attributes = {
    'otel.component.type': 'otlp_http_log_exporter',
    'otel.component.name': name,
  };
  const exportFailed = EXPORT_FAILURES.reduce((n, r) => n + s.dropped[r], 0);
  result.observe(i.processed, s.exported + exportFailed, processor);
  for (const reason of DROP_REASONS) {
    if (EXPORT_FAILURES.includes(reason)) continue;
    result.observe(i.processed, s.dropped[reason], { ...processor, 'error.type': errorType(reason) });
  }
  const inFlight = s.queue.inFlight ?? 0;
  result.observe(i.queueSize, Math.max(0, s.queue.records - inFlight), processor);
  result.observe(i.queueCapacity, s.queue.maxRecords, processor);
  result.observe(i.exported, s.exported, exporter);
  for (const reason of EXPORT_FAILURES) {
    result.observe(i.exported, s.dropped[reason], { ...exporter, 'error.type': reason });
  }
  result.observe(i.inflight, inFlight, exporter);
  result.observe(i.spooled, s.spooled, processor);
  result.observe(i.recovered, s.recovered, processor);
  if (s.spoolBytes !== undefined) result.observe(i.spoolBytes, s.spoolBytes, processor);
}
