/**
 * pino level → OTel severity. pino's six levels are ten apart (trace 10 … fatal 60) and OTel's
 * six ranges are four wide (TRACE 1–4 … FATAL 21–24), so a pino value lands in the range of the
 * pino level at or below it, and a custom level between two of pino's gets an offset inside that
 * range: `http: 35` → INFO3 (11), as pino's own ordering says it is more severe than `info`.
 */

/** pino's default level values. */
const PINO_LEVELS: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** pino's default labels, by value. */
const PINO_LABELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/**
 * The level tables of a pino logger, as pino sends them to its destination (`PINO_CONFIG`) and
 * as `logger.levels` exposes them.
 */
export interface PinoLevels {
  /** Level value → label, e.g. `{ 30: 'info', 35: 'http' }`. */
  labels: Readonly<Record<number, string>>;
  /** Label → level value, e.g. `{ info: 30, http: 35 }`. */
  values: Readonly<Record<string, number>>;
}

/** pino's default tables (no custom levels). */
export const DEFAULT_PINO_LEVELS: PinoLevels = { labels: PINO_LABELS, values: PINO_LEVELS };

/**
 * `customLevels` as given to `pino()` (label → value) → the tables pino builds from them
 * (custom levels added to the defaults, or replacing them with `useOnlyCustomLevels`).
 */
export function pinoLevels(customLevels: Readonly<Record<string, number>>, onlyCustom = false): PinoLevels {
  const values: Record<string, number> = onlyCustom ? {} : { ...PINO_LEVELS };
  const labels: Record<number, string> = onlyCustom ? {} : { ...PINO_LABELS };
  for (const [label, value] of Object.entries(customLevels)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    values[label] = value;
    labels[value] = label;
  }
  return { labels, values };
}

/**
 * OTel severity number (1–24) of a pino level value: 10 → TRACE (1), 20 → DEBUG (5), 30 → INFO
 * (9), 40 → WARN (13), 50 → ERROR (17), 60 → FATAL (21); a value in between takes the range of
 * the level below it plus an offset of a quarter per 2.5 (`35` → 11, `45` → 15); below 10 is
 * TRACE, above 60 climbs to FATAL4 (24) at 70.
 */
export function severityOfPinoLevel(value: number): number {
  if (!(value >= 10)) return 1;
  const range = Math.min(5, Math.floor(value / 10) - 1); // 0 = trace … 5 = fatal
  const offset = Math.min(3, Math.floor(((value - (range + 1) * 10) * 4) / 10));
  return range * 4 + 1 + offset;
}

/**
 * Severity number and text of the `level` field of a pino line: a number (pino's default) or a
 * label (`formatters.level` returning `{ level: label }`), read through `levels`. An unknown label
 * is INFO (9): pino wrote it, so it passed pino's filter, and no ordering says more.
 */
export function severityOfLevelField(
  level: unknown,
  levels: PinoLevels,
): { severityNumber: number; severityText: string } {
  if (typeof level === 'number') {
    return {
      severityNumber: severityOfPinoLevel(level),
      severityText: levels.labels[level] ?? PINO_LABELS[level] ?? String(level),
    };
  }
  if (typeof level === 'string') {
    const value = Object.hasOwn(levels.values, level) ? levels.values[level] : PINO_LEVELS[level];
    return {
      severityNumber: typeof value === 'number' ? severityOfPinoLevel(value) : 9,
      severityText: level,
    };
  }
  return { severityNumber: 0, severityText: '' };
}
