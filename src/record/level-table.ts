/**
 * The level vocabulary: podlog's six levels with their OTel severity numbers and texts, and
 * the level names one `createLogger` knows (those six and the `customLevels` option's, like
 * `{ audit: 35 }`) with pino's level numbers. Custom levels are given in pino's numbers and
 * mapped onto the OTel severity ranges: 10→TRACE(1), 20→DEBUG(5), 30→INFO(9), 40→WARN(13),
 * 50→ERROR(17), 60→FATAL(21); a value between two falls in the range of the lower one, with
 * its offset inside the range (each range has 4 numbers: 35 → INFO3 = 11, 45 → WARN3 = 15).
 * Below 10 is TRACE (1), above 60 FATAL up to FATAL4 (24). Which level each logger is at:
 * logger/levels.ts.
 */
import { InvalidOptionError } from '../errors.js';

/** podlog's levels, lowest first. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** A podlog level name: `trace`, `debug`, `info`, `warn`, `error` or `fatal`. */
export type Level = (typeof LEVELS)[number];
/** A level, or `silent` to turn a logger off. */
export type LevelOrSilent = Level | 'silent';

/** OTel severity numbers (logs data model): TRACE=1, DEBUG=5, INFO=9, WARN=13, ERROR=17, FATAL=21. */
export const SEVERITY_NUMBER = Object.fromEntries(LEVELS.map((level, i) => [level, i * 4 + 1])) as Readonly<
  Record<Level, number>
>;

/** OTel severity text of each level: the level name in upper case. */
export const SEVERITY_TEXT = Object.fromEntries(
  LEVELS.map((level) => [level, level.toUpperCase()]),
) as Readonly<Record<Level, string>>;

/** The level whose severity range holds `severityNumber` (1-4 trace … 21-24 fatal, higher fatal); undefined below 1. */
export function levelOfSeverity(severityNumber: number): Level | undefined {
  if (!(severityNumber >= 1)) return undefined;
  return LEVELS[Math.min(LEVELS.length - 1, Math.floor((severityNumber - 1) / 4))];
}

/** Severity number of `silent`: above every level, so nothing passes. */
const SILENT = Number.POSITIVE_INFINITY;

/** Whether `value` is one of {@link LEVELS}. */
export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** A level or `silent` as written in an env var or annotation (any case, spaces around); else `undefined`. */
export function parseLevel(text: string): LevelOrSilent | undefined {
  const level = text.trim().toLowerCase();
  return level === 'silent' || isLevel(level) ? level : undefined;
}

/** pino's `logger.levels`: level name → number, and number → name. */
export interface PinoLevels {
  readonly values: Readonly<Record<string, number>>;
  readonly labels: Readonly<Record<number, string>>;
}

/** The OTel severity number of a pino level number (see the module comment). */
export function severityOfPinoValue(value: number): number {
  if (!(value >= 10)) return 1; // NaN too
  const range = Math.min(Math.floor(value / 10), 6); // 1 = TRACE … 6 = FATAL
  const base = (range - 1) * 4 + 1;
  const offset = Math.min(3, Math.floor(((value - range * 10) * 4) / 10));
  return base + offset;
}

/** Names a custom level may not take: podlog's levels and the Logger's own members. */
const RESERVED = new Set([
  ...LEVELS,
  'silent',
  'log',
  'level',
  'levels',
  'child',
  'bindings',
  'setBindings',
  'setLevel',
  'isLevelEnabled',
  'flush',
  'shutdown',
  'drained',
  'stats',
  'pressure',
  'event',
  'name',
  'msgPrefix',
  'constructor',
]);

/** One custom level. */
interface CustomLevel {
  readonly name: string;
  readonly severityNumber: number;
  readonly severityText: string;
}

/** Level names → thresholds for one `createLogger`. Immutable. */
export class LevelTable {
  readonly #severity = new Map<string, number>();
  /** Severity number → a custom level's pino value (the first custom level of that severity). */
  readonly #pinoValues = new Map<number, number>();
  /** `customLevels`, in the order given. */
  readonly custom: readonly CustomLevel[];
  /** pino's `logger.levels`, custom levels included. */
  readonly levels: PinoLevels;
  /** `one of trace, …, silent`: the choices an error message lists. */
  readonly choices: string;

  constructor(custom: Readonly<Record<string, number>> = {}) {
    const values: Record<string, number> = {};
    const labels: Record<number, string> = {};
    for (let i = 0; i < LEVELS.length; i++) {
      const level = LEVELS[i];
      this.#severity.set(level, SEVERITY_NUMBER[level]);
      // pino's numbers: trace 10, debug 20 … fatal 60.
      values[level] = (i + 1) * 10;
      labels[(i + 1) * 10] = level;
    }
    const list: CustomLevel[] = [];
    for (const [name, value] of Object.entries(custom)) {
      const severityNumber = severityOfPinoValue(value);
      this.#severity.set(name, severityNumber);
      values[name] = value;
      labels[value] = name;
      list.push({ name, severityNumber, severityText: name.toUpperCase() });
      if (!this.#pinoValues.has(severityNumber)) this.#pinoValues.set(severityNumber, value);
    }
    this.custom = Object.freeze(list);
    this.levels = Object.freeze({ values: Object.freeze(values), labels: Object.freeze(labels) });
    this.choices = `one of ${[...this.#severity.keys(), 'silent'].join(', ')}`;
  }

  /** The OTel severity number of a level name; `undefined` for an unknown one (and `silent`). */
  severityOf(level: string): number | undefined {
    return this.#severity.get(level);
  }

  /** The lowest severity number a logger at `level` records (`SILENT` for `silent`). */
  threshold(level: string): number {
    return this.#severity.get(level) ?? SILENT;
  }

  /** pino's number for a severity: a custom level's own value, else its range's (1–4 → 10, …). */
  pinoValueOf(severityNumber: number): number {
    return (
      this.#pinoValues.get(severityNumber) ??
      Math.min(6, Math.max(1, Math.floor((severityNumber - 1) / 4) + 1)) * 10
    );
  }

  /** Throws `InvalidOptionError` (naming `option`) unless `level` is a known level or `silent`. */
  check(option: string, level: unknown, extra = ''): void {
    if (typeof level !== 'string' || (level !== 'silent' && !this.#severity.has(level))) {
      throw new InvalidOptionError(option, level, `${this.choices}${extra}`);
    }
  }
}

/** Validates the `customLevels` option: names that are identifiers and free, integer values 1–100. */
export function resolveCustomLevels(value: unknown): Readonly<Record<string, number>> {
  if (value === undefined) return Object.freeze({});
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(
      'customLevels',
      value,
      'an object of level name → pino level number, like { audit: 35 }',
    );
  }
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!/^[a-zA-Z_$][\w$]*$/.test(name) || RESERVED.has(name)) {
      throw new InvalidOptionError(
        `customLevels.${name}`,
        name,
        'a level name that is an identifier and not a built-in level or Logger member (trace…fatal, silent, child, flush…)',
      );
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100) {
      throw new InvalidOptionError(
        `customLevels.${name}`,
        v,
        'an integer pino level number from 1 to 100 (info is 30, warn 40)',
      );
    }
    out[name] = v;
  }
  return Object.freeze(out);
}

/** The default table: podlog's six levels. */
export const DEFAULT_LEVEL_TABLE = new LevelTable();
