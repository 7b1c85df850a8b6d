/**
 * Errors the export transport raises. They never reach the application: the exporter turns
 * them into an `ExportOutcome`. They carry stable codes so diagnostics and tests can branch.
 */
import { PodlogError } from '../errors.js';

/** A request got no complete answer within `timeoutMs`. Retryable. */
export class ExportTimeoutError extends PodlogError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`, 'PODLOG_EXPORT_TIMEOUT');
    this.name = 'ExportTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** The export was cancelled (exporter closed, or the caller's signal fired). Not a backend fault. */
export class ExportAbortedError extends PodlogError {
  constructor() {
    super('export aborted', 'PODLOG_EXPORT_ABORTED');
    this.name = 'ExportAbortedError';
  }
}
