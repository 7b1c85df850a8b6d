/**
 * One delivery per winston call when `@opentelemetry/instrumentation-winston` is active too.
 *
 * That instrumentation (on by default in auto-instrumentations) patches winston's
 * `logger.configure()` to append its own `OpenTelemetryTransportV3`, which sends every record to
 * the OTel Logs API ("log sending"). With `PodlogTransport` on the same logger, each call would
 * be delivered twice: once by podlog's transport, once through the Logs API (into podlog again
 * when podlog feeds the Logs API, or through NodeSDK's own exporter otherwise).
 *
 * The user added `PodlogTransport` on purpose, and it keeps winston's level rules, backpressure
 * and podlog's record mapping; so podlog's transport delivers, and the instrumentation's
 * transport on that logger is silenced (winston-transport's own `silent` flag). One process
 * warning (`PODLOG_WINSTON_OTEL_BRIDGE`) says so once. To avoid it entirely, configure the
 * instrumentation with `disableLogSending: true` (log correlation, the trace ids on each record,
 * keeps working either way).
 */

/** What is read of a winston logger: its transports (a getter over the piped streams). */
interface WinstonParent {
  readonly transports?: unknown;
}

/** What is set on a transport. */
interface SilenceableTransport {
  silent?: boolean;
  constructor?: { name?: string };
}

const WARNED = Symbol.for('podlog.winston.otelBridgeWarned');

/** The instrumentation's transport, recognised by class name (its package may be a separate copy). */
function isOtelTransport(t: unknown): t is SilenceableTransport {
  try {
    return (
      typeof t === 'object' &&
      t !== null &&
      (t as SilenceableTransport).constructor?.name === 'OpenTelemetryTransportV3'
    );
  } catch {
    return false;
  }
}

/**
 * Watches the winston logger a `PodlogTransport` is piped from. `check(parent)` is called on each
 * record: it costs two compares unless the logger or its transport count changed.
 */
export class OtelBridgeGuard {
  #parent: unknown;
  #count = -1;

  /** Silences instrumentation-winston's transports on `parent`, if any appeared. Never throws. */
  check(parent: WinstonParent | undefined): void {
    if (parent === undefined || parent === null) return;
    let transports: unknown;
    try {
      transports = parent.transports;
    } catch {
      return;
    }
    if (!Array.isArray(transports)) return;
    if (parent === this.#parent && transports.length === this.#count) return;
    this.#parent = parent;
    this.#count = transports.length;
    let silenced = 0;
    for (const t of transports) {
      if (isOtelTransport(t) && t.silent !== true) {
        t.silent = true;
        silenced++;
      }
    }
    if (silenced > 0) warnOnce();
  }
}

function warnOnce(): void {
  const g = globalThis as { [WARNED]?: boolean };
  if (g[WARNED]) return;
  g[WARNED] = true;
  process.emitWarning(
    'podlog/winston: @opentelemetry/instrumentation-winston added its OpenTelemetryTransportV3 to a winston ' +
      'logger that also has PodlogTransport; podlog silenced that transport so each call is delivered once ' +
      '(by PodlogTransport). To avoid this, configure the instrumentation with disableLogSending: true.',
    { code: 'PODLOG_WINSTON_OTEL_BRIDGE' },
  );
}
