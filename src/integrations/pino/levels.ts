/**
 * pino level → OTel severity. pino's six levels are ten apart (trace 10 … fatal 60) and OTel's
 * six ranges are four wide (TRACE 1–4 … FATAL 21–24), so a pino value lands in the range of the
 * pino level at or below it, and a custom level between two of pino's gets an offset inside that
 * range: `http: 35` → INFO3 (11), as pino's own ordering says it is more severe than `info`.
 */
import { DEFAULT_LEVEL_TABLE, type PinoLevels, severityOfPinoValue } from '../../record/level-table.js';

export type { PinoLevels };

/** pino's default tables (no custom levels): the facade's level table, one source for both. */
export const DEFAULT_PINO_LEVELS: PinoLevels = DEFAULT_LEVEL_TABLE.levels;
const { values: PINO_LEVELS, labels: PINO_LABELS } = DEFAULT_PINO_LEVELS;

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
 * OTel severity number (1–24) of a pino level value (10 → TRACE 1 … 60 → FATAL 21, values in
 * between with an offset inside the range): the facade's mapping for `customLevels`, so a level
 * means the same severity whether it comes through pino or through podlog's own logger.
 */
export const severityOfPinoLevel: (value: number) => number = severityOfPinoValue;

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
