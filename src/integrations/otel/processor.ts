/**
 * `PodlogLogRecordProcessor`: the OpenTelemetry SDK's own way in. NodeSDK (or any sdk-logs
 * `LoggerProvider`) keeps the global Logs API provider, and this processor hands every record
 * it emits to podlog's queue, batching, export, spool and accounting:
 *
 *     new NodeSDK({ logRecordProcessors: [new PodlogLogRecordProcessor(log)] })
 *
 * Given `logRecordProcessors`, NodeSDK creates no exporter of its own (`OTEL_LOGS_EXPORTER` is
 * not read), so each record is delivered once, by podlog, with the SDK's resource merged into
 * podlog's (precedence: src/logger/otel-parts.ts). podlog's own log calls carry the same
 * resource from the moment the SDK's provider is known.
 */
import type { Context } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import type { ForeignResource, ForeignScope } from '../../logger/foreign-record.js';
import { EMIT_FOREIGN, Logger } from '../../logger/logger.js';
import type { OtelParts } from '../../logger/otel-parts.js';
import { getLogger } from '../register/register.js';
import { isPodlogProvider, liveProcessors, PODLOG_PROCESSOR, sdkProviderState } from './global-state.js';
import { enableMetrics } from './metrics.js';
import { bridgeEnabled, fromOtelRecord, type OtelBridgeOptions } from './provider.js';

/**
 * What podlog reads of an SDK log record: the public fields of sdk-logs' `ReadableLogRecord`.
 * Declared here so `podlog/otel` does not depend on `@opentelemetry/sdk-logs`.
 */
export interface SdkLogRecord {
  readonly hrTime: readonly [number, number];
  readonly hrTimeObserved: readonly [number, number];
  readonly spanContext?: { traceId: string; spanId: string; traceFlags: number };
  readonly severityText?: string;
  readonly severityNumber?: number;
  readonly body?: unknown;
  readonly eventName?: string;
  readonly attributes: object;
  readonly resource: ForeignResource;
  readonly instrumentationScope: ForeignScope;
}

/** Options of {@link PodlogLogRecordProcessor}. */
export interface PodlogLogRecordProcessorOptions extends OtelBridgeOptions {
  /**
   * Report podlog's counters as the SDK's self-observability metrics (`enableMetrics`) through
   * the global MeterProvider, once the SDK's providers are registered (NodeSDK registers its
   * MeterProvider when it has a metric reader). Default `true`; a no-op without a MeterProvider.
   */
  metrics?: boolean;
}

/**
 * An OpenTelemetry SDK `LogRecordProcessor` that delivers through podlog. Use it instead of
 * `registerGlobalLoggerProvider()` when the app runs the OpenTelemetry SDK (NodeSDK): one
 * pipeline, one resource, and every record once.
 *
 * @example
 * import { NodeSDK } from '@opentelemetry/sdk-node';
 * import { createLogger } from 'podlog';
 * import { PodlogLogRecordProcessor } from 'podlog/otel';
 *
 * const log = createLogger({ serviceName: 'checkout' });
 * const sdk = new NodeSDK({ serviceName: 'checkout', logRecordProcessors: [new PodlogLogRecordProcessor(log)] });
 * sdk.start();
 */
export class PodlogLogRecordProcessor {
  /** The podlog logger records are delivered through. */
  readonly logger: Logger;
  /** @internal Marks podlog's processor, for the setup-order checks in register.ts. */
  readonly [PODLOG_PROCESSOR] = true;
  readonly #applyLevel: boolean;
  readonly #parts: OtelParts | undefined;
  #resourceKnown = false;
  /** Metrics still to be turned on (option `metrics`, once the SDK's providers are known). */
  #metricsPending: boolean;
  #shutdown: Promise<void> | undefined;

  /**
   * @param logger Default: the process-wide logger of `podlog/register` (created from the
   *   environment).
   * @param options `applyLevel`: also filter the SDK's records by podlog's level (default: no,
   *   the source logger's level decides).
   */
  constructor(logger: Logger = getLogger(), options: PodlogLogRecordProcessorOptions = {}) {
    this.logger = logger;
    this.#applyLevel = options.applyLevel === true;
    this.#metricsPending = options.metrics !== false;
    this.#parts = Logger.otelPartsOf(logger);
    liveProcessors().add(this);
    // podlog's own provider registered first (registerGlobalLoggerProvider() before this):
    // give the global slot back, so the SDK's provider, which feeds this processor, can take it
    // at sdk.start(). Otherwise NodeSDK's registration would fail (silently, by the OTel API's
    // rules) and the SDK's resource would never reach podlog.
    if (isPodlogProvider(logs.getLoggerProvider())) logs.disable();
    // podlog's own records take the SDK's resource from the moment its provider is registered.
    this.#parts?.adoptFrom(() => this.#globalResource());
  }

  /** The resource of the global SDK provider, if it is the one feeding this processor. */
  #globalResource(): ForeignResource | undefined {
    const state = sdkProviderState(logs.getLoggerProvider());
    if (!state?.processors.includes(this)) return undefined;
    this.#startMetrics();
    return state.resource;
  }

  /** Once: the SDK's providers are registered now (NodeSDK sets its MeterProvider before). */
  #startMetrics(): void {
    if (!this.#metricsPending) return;
    this.#metricsPending = false;
    enableMetrics(this.logger);
  }

  /** Called by the SDK for each record: hands it to podlog (never throws, never blocks). */
  onEmit(record: SdkLogRecord, _context?: Context): void {
    try {
      if (!this.#resourceKnown) {
        this.#resourceKnown = true;
        this.#parts?.adopt(record.resource);
        this.#startMetrics();
      }
      this.logger[EMIT_FOREIGN]({
        ...fromOtelRecord(record, record.hrTime, record.hrTimeObserved, record.spanContext, this.#applyLevel),
        // The SDK already turned `exception` into exception.type/.message/.stacktrace attributes.
        attributes: record.attributes,
        scope: record.instrumentationScope,
        resource: record.resource,
      });
    } catch {
      // onEmit must never throw into the SDK (EMIT_FOREIGN does not; this guards the reads).
    }
  }

  /**
   * Lets the SDK skip building records podlog would not keep. Without `applyLevel`, every
   * record is kept (the source logger filtered it).
   */
  enabled(options: { severityNumber?: number }): boolean {
    return bridgeEnabled(this.logger, this.#applyLevel, options);
  }

  /** `sdk.forceFlush()` / `provider.forceFlush()`: podlog's `flush()`. */
  forceFlush(): Promise<void> {
    return this.logger.flush();
  }

  /** `sdk.shutdown()`: podlog's `shutdown()` (flushes within its deadline, then releases). */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      liveProcessors().delete(this);
      await this.logger.shutdown();
    })();
    return this.#shutdown;
  }
}
