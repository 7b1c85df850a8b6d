/**
 * Run-time level control: what `PODLOG_LEVEL` entries, `log.setLevel(level, { logger })` and
 * the `podlog.dev/level` pod annotations ask for, merged into the shared `LevelRegistry`.
 *
 * Settings by logger name come in three layers; for one name the highest present wins:
 * annotation `podlog.dev/level.<name>` > `setLevel(level, { logger: name })` > `PODLOG_LEVEL`
 * `name=level`. Across names the registry picks the most specific one (`http.client` over
 * `http`); the `podlog.dev/level` annotation is the global override below every name.
 * Removing an annotation uncovers the layer below it: the configured (or `setLevel`) level.
 *
 * The state is a function of the current annotations: an invalid value counts as absent and
 * costs one diagnostic line per appearance.
 */
import type { Diag } from '../diag.js';
import { DEFAULT_LEVEL_TABLE } from '../record/level-table.js';
import { type LevelOrSilent, parseLevel } from '../record/severity.js';
import type { PodAnnotations } from '../resource/types.js';
import type { LevelRegistry } from './levels.js';

/** The annotation of the global level; `<this>.<logger-name>` sets one named logger. */
export const LEVEL_ANNOTATION = 'podlog.dev/level';

/** A change of an effective level, announced once as a record. */
export interface LevelChange {
  readonly from: LevelOrSilent;
  readonly to: LevelOrSilent;
  /** The logger name the change is for; `undefined` for every logger. */
  readonly logger: string | undefined;
  /** What made it: `annotation podlog.dev/level`, `setLevel, logger http`, … */
  readonly cause: string;
}

export class RuntimeLevels {
  readonly #registry: LevelRegistry;
  readonly #configuredBase: LevelOrSilent;
  readonly #announce: (change: LevelChange) => void;
  readonly #diag: Diag;
  readonly #config: ReadonlyMap<string, LevelOrSilent>;
  readonly #code = new Map<string, LevelOrSilent>();
  #annotated = new Map<string, LevelOrSilent>();
  /** `key=value` of invalid annotations present last time (reported once per appearance). */
  #invalid = new Set<string>();

  constructor(
    registry: LevelRegistry,
    configured: { base: LevelOrSilent; named: Readonly<Record<string, LevelOrSilent>> },
    announce: (change: LevelChange) => void,
    diag: Diag,
  ) {
    this.#registry = registry;
    this.#configuredBase = configured.base;
    this.#announce = announce;
    this.#diag = diag;
    this.#config = new Map(Object.entries(configured.named));
    for (const [name, level] of this.#config) registry.setOverride(name, level);
  }

  /** `setLevel(level)` on the root: the default level; `null` returns to the configured one. */
  setBase(level: LevelOrSilent | null): void {
    const from = this.#globalLevel();
    this.#registry.base = level ?? this.#configuredBase;
    this.#report(from, this.#globalLevel(), undefined, 'setLevel');
  }

  /** `setLevel(level, { logger })`; `null` returns that name to its configured level. */
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
    const globalChanged = global !== this.#registry.globalOverride;
    const globalFrom = this.#globalLevel();
    const from = changed.map((name) => this.#levelOf(name));
    this.#annotated = named;
    if (globalChanged) this.#registry.globalOverride = global;
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

  /** Pushes the merged setting of `name` into the registry. */
  #apply(name: string): void {
    this.#registry.setOverride(
      name,
      this.#annotated.get(name) ?? this.#code.get(name) ?? this.#config.get(name),
    );
  }

  /** What loggers called `name` get, apart from levels set on logger objects. */
  #levelOf(name: string): LevelOrSilent {
    return this.#registry.override(name) ?? this.#registry.base;
  }

  #globalLevel(): LevelOrSilent {
    return this.#registry.globalOverride ?? this.#registry.base;
  }

  #report(from: LevelOrSilent, to: LevelOrSilent, logger: string | undefined, cause: string): void {
    if (from === to) return;
    try {
      this.#announce({ from, to, logger, cause });
    } catch {
      // announce writes through the logger, which does not throw; this guards the watcher.
    }
  }
}
