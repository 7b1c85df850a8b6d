/**
 * The spool's error, `SpoolUnavailableError`, lives with every other podlog error in
 * `src/errors.ts`; this module keeps the stage's import path and the code check.
 */
import { SPOOL_UNAVAILABLE, type SpoolUnavailableError } from '../errors.js';

export { SPOOL_UNAVAILABLE, SpoolUnavailableError } from '../errors.js';

/** True for a {@link SpoolUnavailableError} (by its code, so it also holds across bundles). */
export function isSpoolUnavailable(err: unknown): err is SpoolUnavailableError {
  return (err as { code?: unknown } | null)?.code === SPOOL_UNAVAILABLE;
}
