/**
 * Which level each logger of one `createLogger` is at (the names and what they mean:
 * record/level-table.ts).
 *
 * Levels in force, shared by a logger and all its children; first match wins:
 *   1. an override for its name (run-time control:
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
import type { Diag } from '../diag.js';
import {
  DEFAULT_LEVEL_TABLE,
  type LevelOrSilent,
  parseLevel,
  SEVERITY_NUMBER,
  SEVERITY_TEXT,
} from '../record/level-table.js';
import type { PodAnnotations } from '../resource/types.js';
import type { ForeignRecord } from './foreign-record.js';

/** The annotation of the global level; `<this>.<logger-name>` sets one named logger. */
const LEVEL_ANNOTATION = 'podlog.dev/level';

/**
 * The levels of one `createLogger`, shared by a logger and all its children, and the run-time
 * control that sets them: what `PODLOG_LEVEL` entries, `log.setLevel(level, { logger })` and
 * the `podlog.dev/level` pod annotations ask for.
 *
 * Settings by logger name come in three layers; for one name the highest present wins:
 * annotation `podlog.dev/level.<name>` > `setLevel(level, { logger: name })` > `PODLOG_LEVEL`
 * `name=level`. Across names the most specific one wins (`http.client` over `http`); the
 * `podlog.dev/level` annotation is the global override below every name. Removing an
 * annotation uncovers the layer below it: the configured (or `setLevel`) level.
 *
 * The annotations' part is a function of the current annotations: an invalid value counts as
 * absent and costs one diagnostic line per appearance. Each change of an effective level made
 * at run time is announced once, as a record (`podlog level changed: info → debug (setLevel)`).
 */
export class LevelRegistry {
  #generation = 0;
  #base: LevelOrSilent;
  /** The `podlog.dev/level` annotation; `undefined`: none. */
  #global: LevelOrSilent | undefined;
  /** The merged setting of each name ({@link #apply}), what {@link override} looks up. */
  readonly #overrides = new Map<string, LevelOrSilent>();
  readonly #configuredBase: LevelOrSilent;
  readonly #announce: (record: ForeignRecord) => void;
  readonly #diag: Diag;
  /** The three layers by name: `PODLOG_LEVEL` entries, `setLevel`, annotations. */
  readonly #config: ReadonlyMap<string, LevelOrSilent>;
  readonly #code = new Map<string, LevelOrSilent>();
  #annotated = new Map<string, LevelOrSilent>();
  /** `key=value` of invalid annotations present last time (reported once per appearance). */
  #invalid = new Set<string>();

  /**
   * @param configured - the `level` option (or `PODLOG_LEVEL`) and its `name=level` entries.
   * @param announce - writes a level-change record; must not throw.
   */
  constructor(
    configured: { base: LevelOrSilent; named: Readonly<Record<string, LevelOrSilent>> },
    announce: (record: ForeignRecord) => void,
    diag: Diag,
  ) {
    this.#base = this.#configuredBase = configured.base;
    this.#announce = announce;
    this.#diag = diag;
    this.#config = new Map(Object.entries(configured.named));
    for (const [name, level] of this.#config) this.#overrides.set(name, level);
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

  /** Marks every cached level stale (a logger's own level changed). */
  touch(): void {
    this.#generation++;
  }

  /** `setLevel(level)` on the root: the default level; `null` returns to the configured one. */
  setBase(level: LevelOrSilent | null): void {
    const from = this.#globalLevel();
    this.base = level ?? this.#configuredBase;
    this.#report(from, this.#globalLevel(), undefined, 'setLevel');
  }

  /**
   * `setLevel(level, { logger })`: the level of every logger named `name` and of their children
   * that have no override of their own; `null` returns that name to its configured level.
   */
  setNamed(name: string, level: LevelOrSilent | null): void {
    const from = this.#levelOf(name);
    if (level === null) this.#code.delete(name);
    else this.#code.set(name, level);
    this.#apply(name);
    this.#report(from, this.#levelOf(name), name, `setLevel, logger ${name}`);
  }

  /** Takes the current pod annotations (at start and after every change of the volume). */
  applyAnnotations(annotations: PodAnnotations): void {
    let global: LevelOrSilent | undefined;
    const named = new Map<string, LevelOrSilent>();
    const invalid = new Set<string>();
    for (const [key, value] of Object.entries(annotations)) {
      if (key !== LEVEL_ANNOTATION && !key.startsWith(`${LEVEL_ANNOTATION}.`)) continue;
      const name = key === LEVEL_ANNOTATION ? undefined : key.slice(LEVEL_ANNOTATION.length + 1);
      const level = parseLevel(value);
      if (name === '' || level === undefined) {
        const id = `${key}=${value}`;
        invalid.add(id);
        if (!this.#invalid.has(id)) {
          const expected =
            name === ''
              ? `${LEVEL_ANNOTATION} or ${LEVEL_ANNOTATION}.<logger-name>`
              : DEFAULT_LEVEL_TABLE.choices;
          this.#diag.warn(
            `level-annotation ${id}`,
            `ignored annotation ${key}=${JSON.stringify(value.slice(0, 64))}: expected ${expected}`,
          );
        }
        continue;
      }
      if (name === undefined) global = level;
      else named.set(name, level);
    }
    this.#invalid = invalid;

    // Every line reports what that name had before this update and has after all of it.
    const previous = this.#annotated;
    const changed = [...new Set([...previous.keys(), ...named.keys()])].filter(
      (name) => previous.get(name) !== named.get(name),
    );
    const globalChanged = global !== this.#global;
    const globalFrom = this.#globalLevel();
    const from = changed.map((name) => this.#levelOf(name));
    this.#annotated = named;
    if (globalChanged) {
      this.#global = global;
      this.#generation++;
    }
    for (const name of changed) this.#apply(name);
    if (globalChanged) {
      const cause = `annotation ${LEVEL_ANNOTATION}${global === undefined ? ' removed' : ''}`;
      this.#report(globalFrom, this.#globalLevel(), undefined, cause);
    }
    changed.forEach((name, i) => {
      const cause = `annotation ${LEVEL_ANNOTATION}.${name}${named.has(name) ? '' : ' removed'}`;
      this.#report(from[i], this.#levelOf(name), name, cause);
    });
  }

  /** Merges the three layers of `name` into the override loggers look up. */
  #apply(name: string): void {
    const level = this.#annotated.get(name) ?? this.#code.get(name) ?? this.#config.get(name);
    if (level === undefined) this.#overrides.delete(name);
    else this.#overrides.set(name, level);
    this.#generation++;
  }

  /** What loggers called `name` get, apart from levels set on logger objects. */
  #levelOf(name: string): LevelOrSilent {
    return this.override(name) ?? this.#base;
  }

  #globalLevel(): LevelOrSilent {
    return this.#global ?? this.#base;
  }

  /** `logger`: the name the change is for, `undefined` for every logger; `cause`: what made it. */
  #report(from: LevelOrSilent, to: LevelOrSilent, logger: string | undefined, cause: string): void {
    if (from === to) return;
    const attributes: Record<string, string> = {
      'podlog.level.previous': from,
      'podlog.level.current': to,
      'podlog.level.cause': cause,
    };
    if (logger !== undefined) attributes['podlog.level.logger'] = logger;
    try {
      this.#announce({
        severityNumber: SEVERITY_NUMBER.info,
        severityText: SEVERITY_TEXT.info,
        body: `podlog level changed: ${from} → ${to} (${cause})`,
        attributes,
        spanContext: null,
      });
    } catch {
      // announce writes through the logger, which does not throw; this guards the watcher.
    }
  }
}
