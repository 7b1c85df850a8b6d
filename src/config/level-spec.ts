/**
 * The level spec of `PODLOG_LEVEL`: a level, or a comma-separated list of a default level and
 * `name=level` entries for named loggers, e.g. `info,http=debug,db=warn`.
 */
import { InvalidOptionError } from '../errors.js';
import { LEVELS, type LevelOrSilent, parseLevel } from '../record/level-table.js';

const LEVEL_LIST = [...LEVELS, 'silent'].join(', ');

/** What a level spec may look like, for error messages. */
const LEVEL_SPEC_FORM = `a level (${LEVEL_LIST}) or a comma-separated list of one level and name=level entries, e.g. info,http=debug,db=warn`;

/**
 * Parses a level spec. Case and spaces around entries do not matter; empty entries (a trailing
 * comma) are skipped. Throws `InvalidOptionError` naming `option` for an unknown level, a
 * second default level, an entry without a name, or a name given twice.
 */
export function parseLevelSpec(text: string, option: string) {
  let base: LevelOrSilent | undefined;
  const named: Record<string, LevelOrSilent> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    if (eq === -1) {
      const level = parseLevel(entry);
      if (level === undefined || base !== undefined)
        throw new InvalidOptionError(option, text, LEVEL_SPEC_FORM);
      base = level;
      continue;
    }
    const name = entry.slice(0, eq).trim();
    const level = parseLevel(entry.slice(eq + 1));
    if (name === '' || level === undefined || Object.hasOwn(named, name)) {
      throw new InvalidOptionError(option, text, LEVEL_SPEC_FORM);
    }
    named[name] = level;
  }
  return {
    /** The default level (the bare entry), if the spec has one. */
    base,
    /** Levels by logger name (`name=level` entries), in the order written. */
    named: Object.freeze(named),
  };
}
