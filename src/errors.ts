/**
 * Every error class podlog throws, in one module, each with its own stable `code` so callers can
 * branch on it without parsing messages (the undici convention). All are exported from `podlog`.
 *
 * | class                   | code                        | thrown by                                    |
 * | ----------------------- | --------------------------- | -------------------------------------------- |
 * | `InvalidOptionError`    | `PODLOG_INVALID_OPTION`     | `createLogger`, `PodlogTransport`: bad value |
 * | `UnknownOptionError`    | `PODLOG_UNKNOWN_OPTION`     | the same, for an option name it does not know (a subclass of `InvalidOptionError`) |
 * | `DecodeError`           | `PODLOG_DECODE`             | `decodeProtobufRequest` and the decoders of `podlog/testing` |
 * | `ExportTimeoutError`    | `PODLOG_EXPORT_TIMEOUT`     | the exporter (seen as an `ExportOutcome` cause, never thrown into your code) |
 * | `ExportAbortedError`    | `PODLOG_EXPORT_ABORTED`     | the exporter (idem)                          |
 * | `SpoolUnavailableError` | `PODLOG_SPOOL_UNAVAILABLE`  | the spool (idem)                             |
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

  /**
   * @param value Shown in the message without credentials: a URL loses its user-info and query,
   *   an object or function is named by its kind; wrap a secret in {@link notShown}.
   * @param code Replaces `PODLOG_INVALID_OPTION` (subclasses only).
   */
  constructor(option: string, value: unknown, accepted: string, code = 'PODLOG_INVALID_OPTION') {
    super(`podlog: invalid option ${shownName(option)}: got ${describe(value)}; expected ${accepted}`, code);
    this.name = 'InvalidOptionError';
    this.option = option;
  }
}

/**
 * An option name podlog does not know (a typo such as `queue.maxRecord`): `createLogger` refuses
 * it rather than ignore it. The message suggests the closest known name, if one is close.
 * Code `PODLOG_UNKNOWN_OPTION`; a subclass of {@link InvalidOptionError}, so
 * `instanceof InvalidOptionError` catches both.
 */
export class UnknownOptionError extends InvalidOptionError {
  /** The known option the name is closest to, e.g. `queue.maxRecords`. */
  readonly suggestion: string | undefined;

  constructor(option: string, suggestion: string | undefined, accepted: string) {
    const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
    // The standard shape, so every option error reads (and greps) the same way.
    super(option, new Shown(`an unknown option${hint}`), accepted, 'PODLOG_UNKNOWN_OPTION');
    this.name = 'UnknownOptionError';
    this.suggestion = suggestion;
  }
}

/** A body that is not a valid OTLP logs request (`decodeProtobufRequest`, the test decoders). */
export class DecodeError extends PodlogError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PODLOG_DECODE', options);
    this.name = 'DecodeError';
  }
}

/**
 * An export request got no complete answer within `timeoutMs`. Retryable. It never reaches the
 * application: the exporter turns it into an `ExportOutcome` (and a diagnostic).
 */
export class ExportTimeoutError extends PodlogError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`, 'PODLOG_EXPORT_TIMEOUT');
    this.name = 'ExportTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** An export was cancelled (exporter closed, or the caller's signal fired). Not a backend fault. */
export class ExportAbortedError extends PodlogError {
  constructor() {
    super('export aborted', 'PODLOG_EXPORT_ABORTED');
    this.name = 'ExportAbortedError';
  }
}

/** Code of {@link SpoolUnavailableError}. */
export const SPOOL_UNAVAILABLE = 'PODLOG_SPOOL_UNAVAILABLE';

/**
 * What the spool's `next()` rejects with when it cannot tell whether anything is left: the
 * directory cannot be opened, or the disk refused to read the oldest batch. Distinct from
 * "empty", so a replayer pauses and asks again instead of waiting for a new append.
 */
export class SpoolUnavailableError extends PodlogError {
  /** How long the spool leaves the disk alone; asking again sooner only waits. */
  readonly retryAfterMs: number;

  constructor(what: string, retryAfterMs: number, cause?: unknown) {
    super(`podlog: spool unavailable (${what}); retrying in ${retryAfterMs} ms`, SPOOL_UNAVAILABLE, {
      cause,
    });
    this.name = 'SpoolUnavailableError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** What an `InvalidOptionError` says in place of a value: a secret's kind, or what the name was. */
class Shown {
  constructor(readonly text: string) {}
}

/**
 * Wraps `value` so an `InvalidOptionError` names its kind but never prints it (a header value, a
 * key, a token), e.g. `a string of 37 characters (not shown)`.
 */
export function notShown(value: unknown, note = 'not shown'): Shown {
  const kind = typeof value === 'string' ? `a string of ${value.length} characters` : kindOf(value);
  return new Shown(`${kind} (${note})`);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return `${type === 'object' ? 'an' : 'a'} ${type}`;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A string as an error may show it: a URL-like value loses its user-info (`user:password@`),
 * query and fragment, the usual places of credentials. Parsing is lenient on purpose: a value
 * that is not a valid URL (that is why it is in an error) is cut textually.
 */
export function withoutCredentials(text: string): { text: string; cut: boolean } {
  // URL-ish: a `:`, `/` or `@` before any `?`/`#` (`host:4318?token=…`); `loud?` is left alone.
  if (!/^[^?#]*[:/@]/.test(text)) return { text, cut: false };
  const scheme = SCHEME.exec(text)?.[0] ?? '';
  if (scheme) {
    try {
      const url = new URL(text);
      if (url.host) {
        const cut = url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '';
        return { text: `${url.protocol}//${url.host}${url.pathname}`, cut };
      }
    } catch {
      // Not a URL: cut it by hand below.
    }
  }
  let rest = text.slice(scheme.length);
  let cut = false;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    rest = rest.slice(at + 1);
    cut = true;
  }
  const query = rest.search(/[?#]/);
  if (query !== -1) {
    rest = rest.slice(0, query);
    cut = true;
  }
  return { text: scheme + rest, cut };
}

/**
 * An option name as a message shows it: quoted and escaped when it came from user keys with
 * control characters (a header name `x\r\ny`), so the message stays one line.
 */
function shownName(option: string): string {
  if (/^[\x21-\x7e]{1,120}$/.test(option)) return option;
  return JSON.stringify(option.length > 120 ? `${option.slice(0, 120)}…` : option);
}

function describe(value: unknown): string {
  if (value instanceof Shown) return value.text;
  if (typeof value === 'string') {
    const { text, cut } = withoutCredentials(value);
    const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
    return cut ? `${shown} (user-info and query not shown)` : shown;
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Functions and objects by kind only: their text may be source code or hold secrets.
  return kindOf(value);
}
