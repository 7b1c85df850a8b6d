/**
 * Nanosecond wall-clock time that never goes backwards within the process.
 * `Date.now()` has millisecond resolution and can step back (NTP); `performance.now()`
 * is monotonic with sub-millisecond resolution. We anchor once and add the monotonic offset.
 */
import { performance } from 'node:perf_hooks';

const originNs = BigInt(Date.now()) * 1_000_000n - BigInt(Math.round(performance.now() * 1e6));
let lastNs = 0n;

/** Current time in Unix nanoseconds, strictly non-decreasing within this process. */
export function nowUnixNano(): bigint {
  let t = originNs + BigInt(Math.round(performance.now() * 1e6));
  if (t < lastNs) t = lastNs;
  lastNs = t;
  return t;
}
