/**
 * The shape checks under the schema (schema.ts): option groups and their unknown keys (with a
 * "did you mean" suggestion), plain objects. The value checks are the schema's.
 *
 * A leaf module: it imports nothing of podlog's but `errors`, so any stage may use it
 * without pointing an import up the stage list.
 */
import { InvalidOptionError, UnknownOptionError } from '../errors.js';

/**
 * The longest delay Node's timers honour (2^31 − 1 ms, about 24.8 days). A longer one fires
 * after 1 ms with a `TimeoutOverflowWarning`, so every millisecond option is capped here.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** True for `{}` literals and `Object.create(null)`: not arrays, class instances, Buffers, Maps. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * An options group: undefined, or an object whose keys are all in `known` (a typo such as
 * `queue.maxRecord` would otherwise be ignored in silence). `group` is the group's option path
 * (`''` at the top level).
 */
export function optionGroup(
  value: unknown,
  group: string,
  known: readonly string[],
  accepted = 'an object',
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(group || 'options', value, accepted);
  }
  checkKeys(value as Record<string, unknown>, group, known);
  return value as Record<string, unknown>;
}

/** Throws `UnknownOptionError` for the first own key of `object` that is not in `known`. */
export function checkKeys(object: object, group: string, known: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const path = (k: string) => (group ? `${group}.${k}` : k);
    const near = suggest(key, known);
    throw new UnknownOptionError(
      path(key),
      near === undefined ? undefined : path(near),
      `one of the ${group ? `options of ${group}` : 'top-level options'}: ${known.join(', ')}`,
    );
  }
}

/**
 * The known name closest to `word` (case-insensitive edit distance, adjacent swaps counting
 * one), if it is close enough to be a typo: at most 1 edit for short names, 2 from 6 characters,
 * 3 from 12.
 */
export function suggest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = w.length >= 12 ? 3 : w.length >= 6 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = editDistance(w, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      }
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}
