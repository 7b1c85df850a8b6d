/**
 * OTLP/HTTP exporter: composes the layers (size cap → encode → retry through the health gate →
 * transport → verdict) and turns every batch into an `ExportOutcome` that accounts for each
 * record. Never rejects: whatever goes wrong, a part ends up exported, dropped or undelivered.
 */
import type { Diag } from '../diag.js';
import { DecodeError } from '../otlp/decode-protobuf.js';
import { chunkRequest, splitRequest } from '../otlp/split-request.js';
import type { Counters, DropReason } from '../stats.js';
import { VERSION } from '../version.js';
import { displayUrl, exportSecrets } from './display-url.js';
import { compress, serialize } from './encode-body.js';
import { ExportAbortedError } from './errors.js';
import { createHealthGate, type HealthGate } from './health-gate.js';
import { createLimiter } from './limiter.js';
import type { ExportConfig } from './options.js';
import { classifyError, classifyResponse, type Verdict } from './response.js';
import { type RetryResult, withRetry } from './retry.js';
import { createTransport, type Transport } from './transport.js';
import type { Batch, Exporter, ExportOutcome } from './types.js';

export interface HttpExporterDeps {
  config: ExportConfig;
  counters: Counters;
  diag: Diag;
  /** For tests: a transport to use instead of one built from the config. */
  transport?: Transport;
  now?: () => number;
  random?: () => number;
  /**
   * How long `shutdown()` keeps retrying (the batch stage's `shutdownTimeoutMs`), quoted in the
   * one-time "no backend" diagnostic. Omitted there when unknown.
   */
  shutdownTimeoutMs?: number;
  /** Replaces the advice of the "no backend" diagnostic (the CLI has no env vars to suggest). */
  noBackendAdvice?: string;
}

/** An `Exporter` that also exposes its health gate (for tests and the CLI). */
export interface HttpExporter extends Exporter {
  readonly gate: HealthGate;
}

/** Transport failures where no request byte reached the network. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
]);

interface Run {
  outcome: ExportOutcome;
  deadline: number;
  signal: AbortSignal;
}

export function createHttpExporter(deps: HttpExporterDeps): HttpExporter {
  const { config, counters, diag } = deps;
  const now = deps.now ?? Date.now;
  const transport = deps.transport ?? createTransport({ config });
  const where = displayUrl(config.endpoint);
  // Header values (and their parts), the endpoint's user-info and query, the proxy's user-info.
  const secrets = exportSecrets(config);
  const closing = new AbortController();
  let closed: Promise<void> | undefined;
  const slots = createLimiter(config.maxConcurrentRequests);
  const gate = createHealthGate({
    retry: config.retry,
    now,
    random: deps.random,
    onRecovered: (failures) =>
      diag.info('export-recovered', `export: ${where} answers again after ${failures} failed attempt(s)`),
  });
  const baseHeaders: Record<string, string> = {
    ...config.headers,
    'user-agent': `podlog/${VERSION}`,
  };

  if (config.endpoint.pathname === '/') {
    // A signal-specific endpoint is used as given (OTel spec): `http://collector:4318` posts to
    // `/`, which collectors answer with 404, and every batch would be refused.
    diag.warn(
      'endpoint-no-path',
      `endpoint ${where} has no path; did you mean ${where.replace(/\/$/, '')}/v1/logs?`,
    );
  }
  if (config.userInfoIgnored) {
    diag.warn(
      'endpoint-user-info',
      `endpoint ${where}: its user-info is not sent, because an authorization header is set (the header wins)`,
    );
  }
  let toldNoBackend = false;
  /** Once per exporter: a newcomer with no collector learns why nothing arrives, and what to set. */
  function noBackend(detail: string): void {
    if (toldNoBackend) return;
    toldNoBackend = true;
    const deadline =
      deps.shutdownTimeoutMs === undefined
        ? 'the shutdown deadline (shutdownTimeoutMs)'
        : `the shutdown deadline (shutdownTimeoutMs, ${deps.shutdownTimeoutMs} ms)`;
    const advice =
      deps.noBackendAdvice ??
      'Set OTEL_EXPORTER_OTLP_ENDPOINT or the endpoint option to your collector (or run `npx podlog receive`). ' +
        `Logs are held and retried meanwhile; at exit they are retried up to ${deadline}, ` +
        'then spooled (spool option) or dropped and counted.';
    diag.warn('export-no-backend', `no OTLP backend answers at ${where} (${detail}). ${advice}`);
  }

  if (config.endpoint.protocol === 'https:' && !config.tls.rejectUnauthorized) {
    diag.warn(
      'tls-insecure',
      `WARNING: TLS certificate verification is DISABLED for ${where} (tls.rejectUnauthorized: false). ` +
        'Anyone on the network path can read and alter your logs. Use tls.ca for a private CA instead.',
    );
  }

  function drop(run: Run, reason: DropReason, count: number, message: string): void {
    if (count <= 0) return;
    run.outcome.dropped[reason] = (run.outcome.dropped[reason] ?? 0) + count;
    run.outcome.dropMessage = run.outcome.dropMessage ? `${run.outcome.dropMessage}; ${message}` : message;
  }

  async function attempt(body: Uint8Array, headers: Record<string, string>, signal: AbortSignal) {
    try {
      const res = await transport.send({ body, headers }, signal);
      counters.bytesSent += body.length;
      const protocol = config.protocol === 'http/json' ? 'json' : 'protobuf';
      const verdict = classifyResponse(res, { now: now(), protocol, secrets });
      if (verdict.kind === 'ok') counters.requests++;
      return verdict;
    } catch (err) {
      const verdict = classifyError(err, secrets);
      // Bytes went out unless the connection never came up (or we cancelled).
      if (verdict.kind === 'retry' && !NEVER_CONNECTED.has(verdict.cause)) counters.bytesSent += body.length;
      return verdict;
    }
  }

  async function send(part: Batch, run: Run): Promise<RetryResult> {
    const wire = serialize(part.body, config.protocol);
    if (wire.body.length > config.maxRequestBytes) return { kind: 'too_large', status: 0 };
    const packed = await compress(wire.body, config.compression);
    const headers = {
      ...baseHeaders,
      ...packed.headers,
      'content-type': wire.contentType,
      'podlog-batch-id': part.id,
    };
    return withRetry(() => attempt(packed.body, headers, run.signal), {
      gate,
      slots,
      retry: config.retry,
      deadline: run.deadline,
      signal: run.signal,
      onRetry: () => counters.retries++,
      onRetryableFailure: (v, delay) => {
        if (NEVER_CONNECTED.has(v.cause)) noBackend(v.detail);
        diag.warn(
          `export-retry:${v.cause}`,
          `export to ${where} failed (${v.detail}); retrying in ${delay} ms`,
        );
      },
    });
  }

  /** Exports one part; never throws. Splits parts over the size cap and on 413. */
  async function exportPart(part: Batch, run: Run): Promise<void> {
    try {
      if (part.body.length > config.maxRequestBytes && part.count > 1) {
        const { parts, oversized } = chunkRequest(part.body, config.maxRequestBytes);
        if (parts.reduce((n, p) => n + p.count, oversized) === part.count) {
          drop(run, 'too_large', oversized, `record larger than maxRequestBytes (${config.maxRequestBytes})`);
          for (let i = 0; i < parts.length; i++) {
            await exportPart({ id: `${part.id}.${i}`, count: parts[i].count, body: parts[i].body }, run);
          }
          return;
        }
        diag.error('export-count', `export: batch ${part.id} claims ${part.count} records; sending it whole`);
      }
      if (run.signal.aborted) throw new ExportAbortedError();
      const result = await send(part, run);
      settle(part, result, run);
      if (result.kind === 'too_large') await splitTooLarge(part, result.status, run);
    } catch (err) {
      if (err instanceof DecodeError) {
        // Not a valid request body: no backend would take it, and keeping it would loop forever.
        diag.error('export-malformed', `export: batch ${part.id} is not a valid OTLP request; dropped`);
        drop(run, 'rejected', part.count, 'malformed request body');
        return;
      }
      if (!(err instanceof ExportAbortedError)) {
        diag.error('export-unexpected', `export: unexpected ${(err as Error)?.name ?? 'error'}; batch kept`);
      }
      run.outcome.undelivered.push(part);
    }
  }

  async function splitTooLarge(part: Batch, status: number, run: Run): Promise<void> {
    const halves = part.count > 1 ? splitRequest(part.body) : undefined;
    if (!halves) {
      const why = status ? `HTTP ${status} for a single record` : 'single record over maxRequestBytes';
      diag.warn('export-too-large', `export to ${where}: dropped 1 record (${why})`);
      drop(run, 'too_large', part.count, why);
      return;
    }
    await exportPart({ id: `${part.id}.0`, count: halves[0].count, body: halves[0].body }, run);
    await exportPart({ id: `${part.id}.1`, count: halves[1].count, body: halves[1].body }, run);
  }

  function settle(part: Batch, result: RetryResult, run: Run): void {
    switch (result.kind) {
      case 'ok': {
        const rejected = Math.min(result.rejected, part.count);
        run.outcome.exported += part.count - rejected;
        if (result.unknown) {
          // Not a record counter: the records stay `exported` (the answer was 2xx); the loss,
          // if any, is flagged as of unknown size (StatsSnapshot.lossUnknown).
          counters.lossUnknown.rejected++;
          diag.warn(
            'export-partial-unknown',
            `export to ${where}: a 2xx answer too large to read (over 4 MiB) before its rejected_log_records; ${part.count} record(s) counted exported, some may have been rejected`,
          );
        }
        if (rejected > 0) {
          const msg = `partial success: ${rejected} rejected${result.message ? `: ${result.message}` : ''}`;
          diag.warn('export-partial', `export to ${where}: ${msg}`);
          drop(run, 'rejected', rejected, msg);
        } else if (result.message) {
          diag.warn('export-partial', `export to ${where}: server warning: ${result.message}`);
        }
        return;
      }
      case 'reject': {
        const msg = `HTTP ${result.status}${result.excerpt ? `: ${result.excerpt}` : ''}`;
        diag.warn(
          `export-rejected:${result.status}`,
          `export to ${where}: ${part.count} record(s) refused (${msg})`,
        );
        drop(run, 'rejected', part.count, msg);
        return;
      }
      case 'too_large':
        return; // split by the caller
      case 'undelivered':
        if (result.why !== 'aborted') {
          const last = result.last as Verdict | undefined;
          const detail = last?.kind === 'retry' ? ` (last: ${last.detail})` : '';
          diag.warn(
            'export-undelivered',
            `export to ${where}: retry budget spent (${result.why})${detail}; ${part.count} record(s) handed back`,
          );
        }
        run.outcome.undelivered.push(part);
        return;
    }
  }

  return {
    gate,
    get healthy() {
      // "Due for a probe" counts as healthy so that a spool replay can be the probe when the
      // application is idle; otherwise nothing would ever find out the backend is back.
      return gate.ready;
    },
    async export(batch, options) {
      const outcome: ExportOutcome = { exported: 0, dropped: {}, undelivered: [] };
      const signal = options?.signal ? AbortSignal.any([options.signal, closing.signal]) : closing.signal;
      await exportPart(batch, { outcome, deadline: now() + config.retry.maxElapsedMs, signal });
      return outcome;
    },
    close() {
      closing.abort();
      closed ??= transport.close();
      return closed;
    },
  };
}
