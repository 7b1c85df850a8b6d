/**
 * Shared by the integrations: writing records from other logging APIs into a podlog logger,
 * and the conversions they all need.
 */
import { EMIT_FOREIGN, type ForeignRecord, type Logger } from '../logger/logger.js';
import { LEVELS, type Level } from '../record/severity.js';

export type { ForeignRecord };

/** Writes a record from another logging API into `logger` (level-filtered; never throws). */
export function emitForeign(logger: Logger, record: ForeignRecord): void {
  logger[EMIT_FOREIGN](record);
}

/** The podlog level whose severity range holds `severityNumber` (0 counts as info). */
export function levelForSeverity(severityNumber: number): Level {
  if (!(severityNumber > 0)) return 'info';
  return LEVELS[Math.min(LEVELS.length - 1, Math.floor((severityNumber - 1) / 4))];
}

/** Unix milliseconds (possibly fractional) → nanoseconds. */
export function msToNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}
