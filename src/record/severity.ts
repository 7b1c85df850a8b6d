/** podlog's levels, lowest first. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** A podlog level name: `trace`, `debug`, `info`, `warn`, `error` or `fatal`. */
export type Level = (typeof LEVELS)[number];
/** A level, or `silent` to turn a logger off. */
export type LevelOrSilent = Level | 'silent';

/** OTel severity numbers (logs data model): TRACE=1, DEBUG=5, INFO=9, WARN=13, ERROR=17, FATAL=21. */
export const SEVERITY_NUMBER: Readonly<Record<Level, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

/** OTel severity text of each level: the level name in upper case. */
export const SEVERITY_TEXT: Readonly<Record<Level, string>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
};

/** Severity number of `silent`: above every level, so nothing passes. */
export const SILENT = Number.POSITIVE_INFINITY;

/** Whether `value` is one of {@link LEVELS}. */
export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** A level or `silent` as written in an env var or annotation (any case, spaces around); else `undefined`. */
export function parseLevel(text: string): LevelOrSilent | undefined {
  const level = text.trim().toLowerCase();
  return level === 'silent' || isLevel(level) ? level : undefined;
}
