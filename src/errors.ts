/**
 * Errors podlog throws. Every one carries a stable `code` so callers can branch on it
 * without parsing messages (the undici convention).
 */

/** Base class of every error podlog throws. */
export class PodlogError extends Error {
  /** Stable, machine-readable code, e.g. `PODLOG_INVALID_OPTION`. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PodlogError';
    this.code = code;
  }
}

/**
 * Thrown by `createLogger` when an option (or the env var it falls back to) is invalid.
 * The message names the option, the bad value and what is accepted.
 */
export class InvalidOptionError extends PodlogError {
  /** Option path, e.g. `queue.maxBytes` or `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`. */
  readonly option: string;

  constructor(option: string, value: unknown, accepted: string) {
    super(
      `podlog: invalid option ${option}: got ${describe(value)}; expected ${accepted}`,
      'PODLOG_INVALID_OPTION',
    );
    this.name = 'InvalidOptionError';
    this.option = option;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}
