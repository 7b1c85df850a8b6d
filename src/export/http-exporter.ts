/**
 * OTLP/HTTP exporter: composes the layers (size cap → encode → retry through the health gate →
 * transport → verdict) and turns every batch into an `ExportOutcome` that accounts for each
 * record. Never rejects: whatever goes wrong, a part ends up exported, dropped or undelivered.
 */
import type { Diag } from '../diag.js';
import { ExportAbortedError } from '../errors.js';
import { DecodeError } from '../otlp/decode-protobuf.js';
import { protobufRequestToJson } from '../otlp/json.js';
import { chunkRequest, type RequestPart, splitRequest } from '../otlp/split-request.js';
import type { Counters, DropReason } from '../stats.js';
import { VERSION } from '../version.js';
import { displayUrl } from './display-url.js';
import { HealthGate } from './health-gate.js';
import type { ExportConfig } from './options.js';
import { classifyError, classifyResponse, type Verdict } from './response.js';
import { type Transport, UndiciTransport } from './transport.js';
import type { Batch, Exporter, ExportOutcome } from './types.js';

interface HttpExporterDeps {
  config: ExportConfig;
  counters: Counters;
  diag: Diag;
  /** For tests: a transport to use instead of one built from the config. */
  transport?: Transport;
  /**
   * How long `shutdown()` keeps retrying (the batch stage's `shutdownTimeoutMs`), quoted in the
   * one-time "no backend" diagnostic. Omitted there when unknown.
   */
  shutdownTimeoutMs?: number;
  /** Replaces the advice of the "no backend" diagnostic (the CLI has no env vars to suggest). */
  noBackendAdvice?: string;
}

// node:util's CJS object: an ESM import evaluates all its exports (docs/performance.md).
const { promisify } = process.getBuiltinModule('node:util');

/** node:zlib loads at the first gzip body, not at import (several ms of start-up). */
let gzipAsync: ((body: Uint8Array) => Promise<Uint8Array>) | undefined;

/** Transport failures where no request byte reached the network (also: no backend at all). */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
]);

/** A final verdict, or `undelivered` when the budget ran out (the caller keeps the batch). */
type RetryResult =
  | Exclude<Verdict, { kind: 'retry' } | { kind: 'aborted' }>
  | { kind: 'undelivered'; why: 'attempts' | 'deadline' | 'aborted'; last?: Verdict };

/** One `export()` call: the outcome its parts add to, and the budget they share. */
interface Run {
  outcome: ExportOutcome;
  deadline: number;
  signal: AbortSignal;
}

function drop(run: Run, reason: DropReason, count: number): void {
  if (count > 0) run.outcome.dropped[reason] = (run.outcome.dropped[reason] ?? 0) + count;
}

/**
 * The `Exporter` over undici, used by the delivery sink and `podlog spool replay`; it also
 * exposes its health gate (for tests).
 */
export class HttpExporter implements Exporter {
  readonly gate: HealthGate;
  readonly #config: ExportConfig;
  readonly #counters: Counters;
  readonly #diag: Diag;
  readonly #transport: Transport;
  /** The endpoint as diagnostics show it (no user-info, no query). */
  readonly #where: string;
  readonly #baseHeaders: Readonly<Record<string, string>>;
  readonly #closing = new AbortController();
  #closed: Promise<void> | undefined;
  /** What the one-time "no backend" diagnostic advises. */
  readonly #noBackendAdvice: string;
  #toldNoBackend = false;

  constructor(deps: HttpExporterDeps) {
    const { config, diag } = deps;
    this.#config = config;
    this.#counters = deps.counters;
    this.#diag = diag;
    this.#transport = deps.transport ?? new UndiciTransport(config);
    this.#where = displayUrl(config.endpoint);
    this.#baseHeaders = { ...config.headers, 'user-agent': `podlog/${VERSION}` };
    const shutdownMs = deps.shutdownTimeoutMs === undefined ? '' : `, ${deps.shutdownTimeoutMs} ms`;
    this.#noBackendAdvice =
      deps.noBackendAdvice ??
      'Set OTEL_EXPORTER_OTLP_ENDPOINT or the endpoint option to your collector (or run `npx podlog receive`). ' +
        'Logs are held and retried meanwhile; at exit they are retried up to the shutdown deadline ' +
        `(shutdownTimeoutMs${shutdownMs}), then spooled (spool option) or dropped and counted.`;
    this.gate = new HealthGate({
      retry: config.retry,
      maxConcurrentRequests: config.maxConcurrentRequests,
      onRecovered: (failures) =>
        diag.info(
          'export-recovered',
          `export: ${this.#where} answers again after ${failures} failed attempt(s)`,
        ),
    });
    this.#warnAboutConfig();
  }

  get healthy(): boolean {
    return this.gate.ready;
  }

  async export(batch: Batch, options?: { signal?: AbortSignal }): Promise<ExportOutcome> {
    const outcome: ExportOutcome = { exported: 0, dropped: {}, undelivered: [] };
    const closing = this.#closing.signal;
    const signal = options?.signal ? AbortSignal.any([options.signal, closing]) : closing;
    await this.#exportPart(batch, {
      outcome,
      deadline: Date.now() + this.#config.retry.maxElapsedMs,
      signal,
    });
    return outcome;
  }

  close(): Promise<void> {
    this.#closing.abort();
    this.#closed ??= this.#transport.close();
    return this.#closed;
  }

  /** Configurations that work but are probably not what the user meant, said once at start. */
  #warnAboutConfig(): void {
    const config = this.#config;
    const where = this.#where;
    if (config.endpoint.pathname === '/') {
      // A signal-specific endpoint is used as given (OTel spec): `http://collector:4318` posts to
      // `/`, which collectors answer with 404, and every batch would be refused.
      this.#diag.warn(
        'endpoint-no-path',
        `endpoint ${where} has no path; did you mean ${where.replace(/\/$/, '')}/v1/logs?`,
      );
    }
    if (config.userInfoIgnored) {
      this.#diag.warn(
        'endpoint-user-info',
        `endpoint ${where}: its user-info is not sent, because an authorization header is set (the header wins)`,
      );
    }
    if (config.endpoint.protocol === 'https:' && !config.tls.rejectUnauthorized) {
      this.#diag.warn(
        'tls-insecure',
        `WARNING: TLS certificate verification is DISABLED for ${where} (tls.rejectUnauthorized: false). ` +
          'Anyone on the network path can read and alter your logs. Use tls.ca for a private CA instead.',
      );
    }
  }

  /** Once per exporter: a newcomer with no collector learns why nothing arrives, and what to set. */
  #noBackend(detail: string): void {
    if (this.#toldNoBackend) return;
    this.#toldNoBackend = true;
    this.#diag.warn(
      'export-no-backend',
      `no OTLP backend answers at ${this.#where} (${detail}). ${this.#noBackendAdvice}`,
    );
  }

  /** Exports one part; never throws. Splits parts over the size cap and on 413. */
  async #exportPart(part: Batch, run: Run): Promise<void> {
    try {
      if (
        part.body.length > this.#config.maxRequestBytes &&
        part.count > 1 &&
        (await this.#exportChunks(part, run))
      ) {
        return;
      }
      if (run.signal.aborted) throw new ExportAbortedError();
      const result = await this.#send(part, run);
      if (result.kind === 'too_large') await this.#splitTooLarge(part, result.status, run);
      else this.#settle(part, result, run);
    } catch (err) {
      if (err instanceof DecodeError) {
        // Not a valid request body: no backend would take it, and keeping it would loop forever.
        this.#diag.error('export-malformed', `export: batch ${part.id} is not a valid OTLP request; dropped`);
        drop(run, 'rejected', part.count);
        return;
      }
      if (!(err instanceof ExportAbortedError)) {
        this.#diag.error(
          'export-unexpected',
          `export: unexpected ${(err as Error)?.name ?? 'error'}; batch kept`,
        );
      }
      run.outcome.undelivered.push(part);
    }
  }

  /**
   * Cuts a part over `maxRequestBytes` into requests under it and exports those; a record over
   * the cap on its own is dropped. False (nothing done) when the part's count does not match its
   * records: it is then sent whole, and the backend decides.
   */
  async #exportChunks(part: Batch, run: Run): Promise<boolean> {
    const max = this.#config.maxRequestBytes;
    const { parts, oversized } = chunkRequest(part.body, max);
    if (parts.reduce((n, p) => n + p.count, oversized) !== part.count) {
      this.#diag.error(
        'export-count',
        `export: batch ${part.id} claims ${part.count} records; sending it whole`,
      );
      return false;
    }
    drop(run, 'too_large', oversized);
    await this.#exportParts(part, parts, run);
    return true;
  }

  /** Exports the parts `part` was cut into, in order, as `<id>.0`, `<id>.1`, … */
  async #exportParts(part: Batch, parts: readonly RequestPart[], run: Run): Promise<void> {
    for (let i = 0; i < parts.length; i++) {
      await this.#exportPart({ id: `${part.id}.${i}`, count: parts[i].count, body: parts[i].body }, run);
    }
  }

  /** After a 413 (or a serialized body over the cap): halves, or the single record dropped. */
  async #splitTooLarge(part: Batch, status: number, run: Run): Promise<void> {
    const halves = part.count > 1 ? splitRequest(part.body) : undefined;
    if (!halves) {
      const why = status ? `HTTP ${status} for a single record` : 'single record over maxRequestBytes';
      this.#diag.warn('export-too-large', `export to ${this.#where}: dropped 1 record (${why})`);
      drop(run, 'too_large', part.count);
      return;
    }
    await this.#exportParts(part, halves, run);
  }

  /**
   * Encodes one part for the wire, once per request (not per attempt), and sends it through the
   * retry loop. `http/json` transcodes the protobuf body; gzip runs on zlib's thread pool, off
   * the event loop.
   */
  async #send(part: Batch, run: Run): Promise<RetryResult> {
    const { protocol, compression, maxRequestBytes } = this.#config;
    const json = protocol === 'http/json';
    let body = json ? Buffer.from(protobufRequestToJson(part.body), 'utf8') : part.body;
    if (body.length > maxRequestBytes) return { kind: 'too_large', status: 0 };
    const headers: Record<string, string> = {
      ...this.#baseHeaders,
      'content-type': json ? 'application/json' : 'application/x-protobuf',
      'podlog-batch-id': part.id,
    };
    if (compression === 'gzip') {
      gzipAsync ??= promisify(process.getBuiltinModule('node:zlib').gzip);
      body = await gzipAsync(body);
      headers['content-encoding'] = 'gzip';
    }
    return this.#withRetry(() => this.#attempt(body, headers, run.signal), run);
  }

  /**
   * Runs one request's attempts through the health gate (which also caps the requests in
   * flight) until the backend gives a final answer or the request's budget (attempts, the run's
   * deadline) runs out.
   */
  async #withRetry(attempt: () => Promise<Verdict>, run: Run): Promise<RetryResult> {
    let attempts = 0;
    let last: Verdict | undefined;
    for (;;) {
      const permit = await this.gate.acquire(run.deadline, run.signal);
      if (permit === 'aborted') return { kind: 'undelivered', why: 'aborted', last };
      if (permit === 'expired') return { kind: 'undelivered', why: 'deadline', last };
      if (last) this.#counters.retried();
      attempts++;
      // #attempt never throws, so the permit is always settled.
      const verdict = await attempt();
      last = verdict;
      const delay = this.gate.settle(permit, verdict);
      if (verdict.kind === 'aborted') return { kind: 'undelivered', why: 'aborted', last };
      if (verdict.kind !== 'retry') return verdict;
      if (NEVER_CONNECTED.has(verdict.cause)) this.#noBackend(verdict.detail);
      this.#diag.warn(
        `export-retry:${verdict.cause}`,
        `export to ${this.#where} failed (${verdict.detail}); retrying in ${delay} ms`,
      );
      if (attempts >= this.#config.retry.maxAttempts) return { kind: 'undelivered', why: 'attempts', last };
    }
  }

  /** One request: its verdict, and the `requests` / `bytesSent` counters. */
  async #attempt(body: Uint8Array, headers: Record<string, string>, signal: AbortSignal): Promise<Verdict> {
    const counters = this.#counters;
    try {
      const res = await this.#transport.send({ body, headers }, signal);
      counters.sent(body.length);
      const verdict = classifyResponse(res, this.#config);
      if (verdict.kind === 'ok') counters.answered();
      return verdict;
    } catch (err) {
      const verdict = classifyError(err, this.#config.secrets);
      // Bytes went out unless the connection never came up (or we cancelled).
      if (verdict.kind === 'retry' && !NEVER_CONNECTED.has(verdict.cause)) counters.sent(body.length);
      return verdict;
    }
  }

  /** Books a final answer into the run's outcome (a 413 is split instead). */
  #settle(part: Batch, result: Exclude<RetryResult, { kind: 'too_large' }>, run: Run): void {
    switch (result.kind) {
      case 'ok':
        this.#settleAccepted(part, result, run);
        return;
      case 'reject': {
        const msg = `HTTP ${result.status}${result.excerpt ? `: ${result.excerpt}` : ''}`;
        this.#diag.warn(
          `export-rejected:${result.status}`,
          `export to ${this.#where}: ${part.count} record(s) refused (${msg})`,
        );
        drop(run, 'rejected', part.count);
        return;
      }
      case 'undelivered':
        if (result.why !== 'aborted') {
          const last = result.last;
          const detail = last?.kind === 'retry' ? ` (last: ${last.detail})` : '';
          this.#diag.warn(
            'export-undelivered',
            `export to ${this.#where}: retry budget spent (${result.why})${detail}; ${part.count} record(s) handed back`,
          );
        }
        run.outcome.undelivered.push(part);
        return;
    }
  }

  /** A 2xx: exported, less what its `partial_success` rejected. */
  #settleAccepted(part: Batch, result: Extract<RetryResult, { kind: 'ok' }>, run: Run): void {
    const where = this.#where;
    const rejected = Math.min(result.rejected, part.count);
    run.outcome.exported += part.count - rejected;
    if (result.unknown) {
      // Not a record counter: the records stay `exported` (the answer was 2xx); the loss,
      // if any, is flagged as of unknown size (StatsSnapshot.lossUnknown).
      this.#counters.partialSuccessUnread();
      this.#diag.warn(
        'export-partial-unknown',
        `export to ${where}: a 2xx answer too large to read (over 4 MiB) before its rejected_log_records; ${part.count} record(s) counted exported, some may have been rejected`,
      );
    }
    if (rejected > 0) {
      const msg = `partial success: ${rejected} rejected${result.message ? `: ${result.message}` : ''}`;
      this.#diag.warn('export-partial', `export to ${where}: ${msg}`);
      drop(run, 'rejected', rejected);
    } else if (result.message) {
      this.#diag.warn('export-partial', `export to ${where}: server warning: ${result.message}`);
    }
  }
}
