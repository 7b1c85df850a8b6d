/**
 * Shared by the integrations: writing records from other logging APIs into a podlog logger,
 * and the conversions and options they all need.
 */
import { InvalidOptionError } from '../errors.js';
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

const HEX32 = /^[0-9a-f]{32}$/i;
const HEX16 = /^[0-9a-f]{16}$/i;

/**
 * The trace context of a record's OTel log-correlation fields (`trace_id`, `span_id`,
 * `trace_flags`, as instrumentation-pino and -winston write them; flags as a number or hex);
 * undefined unless the ids are valid.
 */
export function spanContextOfFields(
  traceId: unknown,
  spanId: unknown,
  traceFlags: unknown,
): ForeignRecord['spanContext'] {
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
  if (!HEX32.test(traceId) || !HEX16.test(spanId)) return undefined;
  const flags = typeof traceFlags === 'string' ? Number.parseInt(traceFlags, 16) : Number(traceFlags ?? 0);
  return { traceId, spanId, traceFlags: Number.isFinite(flags) ? flags & 0xff : 0 };
}

/**
 * The `holdAt` option of the pino destination and transport and the winston transport: the
 * queue fill, above 0 and at most 1, from which they hold their source until podlog drains.
 */
export function holdAtOption(value: unknown): number {
  if (value === undefined) return 0.9;
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw new InvalidOptionError('holdAt', value, 'a number above 0, at most 1');
  }
  return value;
}

/** `done`, also reported to a node-style `cb` (pino's and thread-stream's `flush(cb)`). */
export function withCallback(done: Promise<void>, cb: ((err?: Error) => void) | undefined): Promise<void> {
  if (cb) done.then(() => cb(), cb);
  return done;
}
