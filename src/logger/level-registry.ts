/**
 * Levels shared by a logger and all its children (one registry per `createLogger`).
 *
 * A logger's effective level is, first match wins:
 *   1. an override for its name set through the registry (`setOverride`, run-time control:
 *      `PODLOG_LEVEL=info,http=debug`, pod annotations, `log.setLevel(level, { logger })`),
 *   2. the level set on that logger object (`log.level = 'debug'`, `child(..., { level })`),
 *   3. its parent's effective level (children follow their parent, also after creation),
 *   4. the registry's base level (`level` option / `PODLOG_LEVEL`).
 *
 * Loggers do not register themselves (per-request children would pile up): every change
 * bumps `generation`, and each logger re-resolves its level lazily on its next call when the
 * generation it cached is stale. A disabled call therefore costs two integer compares.
 */
import type { LevelOrSilent } from '../record/severity.js';

export class LevelRegistry {
  /** Bumped on every change; loggers compare it with the generation they resolved at. */
  generation = 0;
  #base: LevelOrSilent;
  readonly #overrides = new Map<string, LevelOrSilent>();

  constructor(base: LevelOrSilent) {
    this.#base = base;
  }

  /** The level of loggers with no override, no own level and no parent (the root). */
  get base(): LevelOrSilent {
    return this.#base;
  }

  set base(level: LevelOrSilent) {
    this.#base = level;
    this.generation++;
  }

  /** The override for loggers named `name`, if any. */
  override(name: string): LevelOrSilent | undefined {
    return this.#overrides.size === 0 ? undefined : this.#overrides.get(name);
  }

  /**
   * Sets (or, with `undefined`, clears) the level of every logger named `name` and of their
   * children that have no override of their own. Takes effect on each logger's next call.
   */
  setOverride(name: string, level: LevelOrSilent | undefined): void {
    if (level === undefined) this.#overrides.delete(name);
    else this.#overrides.set(name, level);
    this.generation++;
  }

  /** Current overrides by logger name. */
  overrides(): ReadonlyMap<string, LevelOrSilent> {
    return new Map(this.#overrides);
  }

  /** Marks every cached level stale (a logger's own level changed). */
  touch(): void {
    this.generation++;
  }
}
