/**
 * Which level each logger of one `createLogger` is at (the names and what they mean:
 * record/level-table.ts).
 *
 * Levels in force, shared by a logger and all its children; first match wins:
 *   1. an override for its name set through the registry (`setOverride`, run-time control:
 *      `PODLOG_LEVEL=info,http=debug`, pod annotations, `log.setLevel(level, { logger })`);
 *      the most specific name wins: `http.client.pool`, then `http.client`, then `http`
 *      (dot-separated prefixes), then the global override (`podlog.dev/level`), if any,
 *   2. the level set on that logger object (`log.level = 'debug'`, `child(..., { level })`),
 *   3. its parent's effective level (children follow their parent, also after creation),
 *   4. the registry's base level (`level` option / `PODLOG_LEVEL`).
 *
 * Loggers do not register themselves (per-request children would pile up): every change
 * bumps `generation`, and each logger re-resolves its level lazily on its next call when the
 * generation it cached is stale. A disabled call therefore costs two integer compares.
 */
import type { LevelOrSilent } from '../record/severity.js';
/** Levels shared by a logger and all its children (one registry per `createLogger`). */
export class LevelRegistry {
  #generation = 0;
  #base: LevelOrSilent;
  #global: LevelOrSilent | undefined;
  readonly #overrides = new Map<string, LevelOrSilent>();

  constructor(base: LevelOrSilent) {
    this.#base = base;
  }

  /** Bumped on every change; loggers compare it with the generation they resolved at. */
  get generation(): number {
    return this.#generation;
  }

  /** The level of loggers with no override, no own level and no parent (the root). */
  get base(): LevelOrSilent {
    return this.#base;
  }

  set base(level: LevelOrSilent) {
    this.#base = level;
    this.#generation++;
  }

  /**
   * Level of every logger, above their own levels but below overrides by name (the
   * `podlog.dev/level` annotation). `undefined`: none.
   */
  get globalOverride(): LevelOrSilent | undefined {
    return this.#global;
  }

  set globalOverride(level: LevelOrSilent | undefined) {
    this.#global = level;
    this.#generation++;
  }

  /**
   * The override for loggers named `name`: the one for `name` itself, else for its longest
   * dotted prefix (`http` for `http.client`), else the global override, if any.
   */
  override(name: string): LevelOrSilent | undefined {
    if (this.#overrides.size === 0) return this.#global;
    let n = name;
    for (;;) {
      const level = this.#overrides.get(n);
      if (level !== undefined) return level;
      const dot = n.lastIndexOf('.');
      if (dot <= 0) return this.#global;
      n = n.slice(0, dot);
    }
  }

  /**
   * Sets (or, with `undefined`, clears) the level of every logger named `name` and of their
   * children that have no override of their own. Takes effect on each logger's next call.
   */
  setOverride(name: string, level: LevelOrSilent | undefined): void {
    if (level === undefined) this.#overrides.delete(name);
    else this.#overrides.set(name, level);
    this.#generation++;
  }

  /** Current overrides by logger name. */
  overrides(): ReadonlyMap<string, LevelOrSilent> {
    return new Map(this.#overrides);
  }

  /** Marks every cached level stale (a logger's own level changed). */
  touch(): void {
    this.#generation++;
  }
}
