/**
 * winston level → OTel severity number. Known names (npm, syslog and cli sets) map as the
 * OpenTelemetry winston transport maps them; any other name is placed by its order in the
 * logger's `levels` (0 = most severe), spread over FATAL … TRACE.
 */
import { LEVELS, SEVERITY_NUMBER } from '../../record/severity.js';

const KNOWN: Readonly<Record<string, number>> = {
  // npm
  error: 17,
  warn: 13,
  info: 9,
  http: 7,
  verbose: 6,
  debug: 5,
  silly: 1,
  // syslog
  emerg: 23,
  alert: 22,
  crit: 21,
  warning: 13,
  notice: 10,
  // cli
  help: 11,
  data: 10,
  prompt: 4,
  input: 2,
  // podlog / pino / OTel names, for custom sets that use them
  fatal: 21,
  trace: 1,
};

/** Severity of the six podlog levels, most severe first: the buckets custom levels fall into. */
const BY_RANK = LEVELS.map((level) => SEVERITY_NUMBER[level]).reverse();

/** Level name → OTel severity number (1–24), e.g. `{ http: 10 }`. */
export type LevelMap = Readonly<Record<string, number>>;

const cache = new WeakMap<object, LevelMap>();

/**
 * Severity numbers for every level of a winston `levels` object. Unknown names get a severity
 * by rank: the i-th of n distinct priorities falls into bucket ⌊i·6/n⌋ of FATAL … TRACE.
 */
export function severityMap(levels: Readonly<Record<string, number>> | undefined): LevelMap {
  if (!levels) return KNOWN;
  const hit = cache.get(levels);
  if (hit) return hit;
  const priorities = [...new Set(Object.values(levels))].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const [name, priority] of Object.entries(levels)) {
    const known = KNOWN[name];
    if (known !== undefined) out[name] = known;
    else {
      const rank = priorities.indexOf(priority);
      out[name] =
        BY_RANK[Math.min(BY_RANK.length - 1, Math.floor((rank * BY_RANK.length) / priorities.length))];
    }
  }
  cache.set(levels, out);
  return out;
}

/** Severity of `level` under `levels` (INFO for a name it does not know). */
export function severityOf(
  level: string,
  levels: Readonly<Record<string, number>> | undefined,
  extra?: LevelMap,
): number {
  return extra?.[level] ?? severityMap(levels)[level] ?? KNOWN[level] ?? 9;
}
