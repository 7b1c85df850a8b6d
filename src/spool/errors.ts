/**
 * What `Spool.next()` rejects with when it cannot tell whether anything is left: the directory
 * cannot be opened, or the disk refused to read the oldest batch. Distinct from "empty"
 * (`undefined`), so a replayer pauses and asks again instead of waiting for a new append.
 */
import { PodlogError } from '../errors.js';

export const SPOOL_UNAVAILABLE = 'PODLOG_SPOOL_UNAVAILABLE';

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

/** True for a {@link SpoolUnavailableError} (by its code, so it also holds across bundles). */
export function isSpoolUnavailable(err: unknown): err is SpoolUnavailableError {
  return (err as { code?: unknown } | null)?.code === SPOOL_UNAVAILABLE;
}
