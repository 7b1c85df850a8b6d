/**
 * Nanosecond wall-clock time that never goes backwards within the process.
 *
 * `Date.now()` has millisecond resolution and can step back (NTP); `performance.now()` is
 * monotonic with sub-millisecond resolution. We anchor once and add the monotonic offset.
 *
 * The hot path keeps time as two plain numbers (whole milliseconds since the epoch and the
 * nanoseconds within that millisecond) and writes the fixed64 from them: no BigInt per call.
 */
import { performance } from 'node:perf_hooks';

const anchorPerf = performance.now();
const anchorMs = Date.now();

/** A point in time: `ms * 1e6 + nanos` nanoseconds since the Unix epoch. */
export interface ClockReading {
  /** Whole milliseconds since the epoch. */
  ms: number;
  /** Nanoseconds within that millisecond, 0..999_999. */
  nanos: number;
}

const last: ClockReading = { ms: 0, nanos: 0 };

/**
 * Reads the clock into `out` (reused by the caller, so nothing is allocated) and returns it.
 * Readings are non-decreasing within the process.
 */
export function readClock(out: ClockReading): ClockReading {
  const elapsed = performance.now() - anchorPerf;
  const whole = Math.floor(elapsed);
  let ms = anchorMs + whole;
  let nanos = Math.round((elapsed - whole) * 1e6);
  if (nanos >= 1_000_000) {
    ms += 1;
    nanos -= 1_000_000;
  }
  if (ms < last.ms || (ms === last.ms && nanos < last.nanos)) {
    ms = last.ms;
    nanos = last.nanos;
  } else {
    last.ms = ms;
    last.nanos = nanos;
  }
  out.ms = ms;
  out.nanos = nanos;
  return out;
}

const TWO_32 = 0x1_0000_0000;

/**
 * The low and high 32-bit words of `ms * 1e6 + nanos`, computed exactly with doubles:
 * `ms` is split in 16-bit halves so every partial product stays below 2^53.
 */
export function fixed64Words(ms: number, nanos: number, out: { lo: number; hi: number }): void {
  const msHi = Math.floor(ms / 65536);
  const msLo = ms - msHi * 65536;
  const x = msLo * 1e6 + nanos; // < 2^37
  const y = msHi * 1e6; // < 2^45 for any date before year 10000
  const yHigh = Math.floor(y / 65536);
  const yLow = y - yHigh * 65536;
  // total = y * 2^16 + x = yHigh * 2^32 + yLow * 2^16 + x
  const low = yLow * 65536 + x; // < 2^38
  const carry = Math.floor(low / TWO_32);
  out.lo = low - carry * TWO_32;
  out.hi = yHigh + carry;
}

/** Current time in Unix nanoseconds as a bigint (not for the hot path). */
export function nowUnixNano(): bigint {
  const r = readClock({ ms: 0, nanos: 0 });
  return BigInt(r.ms) * 1_000_000n + BigInt(r.nanos);
}
