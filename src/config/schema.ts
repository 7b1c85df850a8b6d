/**
 * One declaration per option. Each stage lists its options once, as a schema: key, what it
 * accepts, default, env fallback. The unknown-key lists, the defaults, the env fallbacks, the
 * range checks with their error messages and the tables of docs/configuration.md
 * (scripts/options-docs.mjs, which takes each option's meaning from its TSDoc in the
 * `XOptions` typings) are derived from it. An option whose resolution needs more than a check (a
 * URL, a redaction list, a function) is declared `custom`: listed for the keys and the docs,
 * resolved by its stage.
 *
 * A leaf module like validate.ts: any stage may import it.
 */
import { type Env, firstEnv } from '../env.js';
import { InvalidOptionError } from '../errors.js';
import { MAX_TIMER_MS, optionGroup } from './validate.js';

/** A default, or a function of the options of the same group declared (and resolved) before it. */
type Default<T> = T | ((resolved: Readonly<Record<string, unknown>>) => T);

/** The declaration of one option; `T` is its resolved type. */
export interface OptionSpec<T = unknown> {
  /** What the option accepts, for the docs table. */
  readonly accepts: string;
  /** Env vars read when the option is not given in code, first non-blank wins. */
  readonly env?: readonly string[];
  /** The env column of the docs table, when the names alone would not say it. */
  readonly envText?: string;
  readonly default?: Default<T>;
  /** The default as the docs table shows it, when the value alone would not say it. */
  readonly defaultText?: string;
  /** The options of a nested group (`retry.*`), for the keys and the docs. */
  readonly group?: Schema;
  /** The option that replaces this deprecated one. */
  readonly deprecated?: string;
  /**
   * Validates a value given in code, throwing `InvalidOptionError` naming `option`. Absent for
   * `custom` and deprecated options, which their stage resolves.
   */
  readonly check?: (value: unknown, option: string, env: Env) => T;
  /** Parses a non-blank, trimmed env value, throwing `InvalidOptionError` naming the variable. */
  readonly fromEnv?: (raw: string, name: string) => T;
  /** What a required option accepts, for the error when it is missing. */
  readonly required?: string;
}

/** An option the schema resolves itself (every kind but `custom` and `deprecated`). */
export interface CheckedSpec<T> extends OptionSpec<T> {
  readonly check: (value: unknown, option: string, env: Env) => T;
}

/** A stage's options by key. */
export type Schema = Readonly<Record<string, OptionSpec>>;

/** The resolved config of a schema: one field per option it checks itself (not `custom` ones). */
export type Resolved<S extends Schema> = {
  readonly [K in keyof S as S[K] extends CheckedSpec<unknown> ? K : never]: S[K] extends CheckedSpec<infer T>
    ? T
    : never;
};

interface Declared<T> {
  /** No default: leaving it out is an error (`… (required)`). */
  readonly required?: boolean;
  readonly default?: Default<T>;
  readonly defaultText?: string;
  readonly env?: string | readonly string[];
  readonly envText?: string;
}

function spec<T>(
  d: Declared<T>,
  accepts: string,
  check: (value: unknown, option: string) => T,
  fromEnv?: (raw: string, name: string) => T,
  form?: string,
): CheckedSpec<T> {
  const env = d.env === undefined ? undefined : typeof d.env === 'string' ? [d.env] : d.env;
  return { ...d, env, accepts, check, fromEnv, required: d.required ? form : undefined };
}

const range = (min: number, max: number) => (max >= Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `${min}–${max}`);

/**
 * A check of a value given in code: the value itself when `ok`, else an `InvalidOptionError`
 * that says `form`, so every bad option reads the same way:
 * `podlog: invalid option <name>: got <value>; expected <form>`.
 */
const checker =
  <T>(ok: (value: unknown) => boolean, form: string) =>
  (value: unknown, option: string): T => {
    if (!ok(value)) throw new InvalidOptionError(option, value, form);
    return value as T;
  };

const isIntegerIn = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** An env value of decimal digits only, in `[min, max]`. */
const digits = (min: number, max: number, form: string) => (raw: string, name: string) => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new InvalidOptionError(name, raw, form);
  return n;
};

/** An integer in `[min, max]`; from env, decimal digits only. */
export function int(d: Declared<number> & { min: number; max?: number }): CheckedSpec<number> {
  const max = d.max ?? Number.MAX_SAFE_INTEGER;
  const form =
    max >= Number.MAX_SAFE_INTEGER ? `an integer >= ${d.min}` : `an integer from ${d.min} to ${max}`;
  const check = checker<number>((v) => isIntegerIn(v, d.min, max), form);
  return spec(d, `integer ${range(d.min, max)}`, check, digits(d.min, max, form), form);
}

/** Whole milliseconds, at least `min`, at most Node's timer limit; from env, decimal digits only. */
export function ms(d: Declared<number> & { min: number }): CheckedSpec<number> {
  const form = `a whole number of milliseconds from ${d.min} to ${MAX_TIMER_MS} (Node's timer limit, about 24.8 days)`;
  const check = checker<number>((v) => isIntegerIn(v, d.min, MAX_TIMER_MS), form);
  return spec(d, `ms ≥ ${d.min}`, check, digits(d.min, MAX_TIMER_MS, `${form}, e.g. 10000`), form);
}

/** A finite number of at least `min`. */
export function num(d: Declared<number> & { min: number }): CheckedSpec<number> {
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= d.min;
  return spec(d, `number ≥ ${d.min}`, checker(ok, `a number >= ${d.min}`));
}

/** `true` or `false` (no option of this kind reads env). */
export function bool(d: Declared<boolean>): CheckedSpec<boolean> {
  return spec(
    d,
    '`true` \\| `false`',
    checker((v) => typeof v === 'boolean', 'true or false'),
  );
}

/**
 * One of `choices`, in code and in env. `refused` gives a better hint for a value that is
 * known to be asked for but not supported (`protocol: 'grpc'`). Without a default, unset is
 * `undefined` (the stage decides).
 */
export function choice<T extends string | false>(
  choices: readonly T[],
  d: Declared<NoInfer<T>> & { default: Default<NoInfer<T>>; refused?: Readonly<Record<string, string>> },
): CheckedSpec<T>;
export function choice<T extends string | false>(
  choices: readonly T[],
  d: Declared<NoInfer<T>>,
): CheckedSpec<T | undefined>;
export function choice<T extends string | false>(
  choices: readonly T[],
  d: Declared<T> & { refused?: Readonly<Record<string, string>> },
): CheckedSpec<T> {
  const form = `one of ${choices.map((c) => (typeof c === 'string' ? `'${c}'` : String(c))).join(', ')}`;
  const oneOf = checker<T>((v) => choices.includes(v as T), form);
  const check = (v: unknown, o: string): T => {
    const hint = typeof v === 'string' ? d.refused?.[v] : undefined;
    if (hint !== undefined) throw new InvalidOptionError(o, v, hint);
    return oneOf(v, o);
  };
  const { refused: _, ...declared } = d;
  const accepts = choices.map((c) => (typeof c === 'string' ? `\`'${c}'\`` : `\`${c}\``)).join(' \\| ');
  return spec(declared, accepts, check, check, form);
}

/** A non-blank string; from env, as written (trimmed). Without a default, unset is `undefined`. */
export function str(
  d: Declared<string> & { default: Default<string>; accepts?: string },
): CheckedSpec<string>;
export function str(d: Declared<string> & { accepts?: string }): CheckedSpec<string | undefined>;
export function str(d: Declared<string> & { accepts?: string }): CheckedSpec<string | undefined> {
  const { accepts = 'a non-empty string', ...declared } = d;
  const ok = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return spec(declared, 'string', checker(ok, accepts), String);
}

/** An array of non-empty strings (a frozen copy). Without a default, unset is `undefined`. */
export function strings(
  d: Declared<readonly string[]> & { default: readonly string[]; accepts?: string },
): CheckedSpec<readonly string[]>;
export function strings(
  d: Declared<readonly string[]> & { accepts?: string },
): CheckedSpec<readonly string[] | undefined>;
export function strings(
  d: Declared<readonly string[]> & { accepts?: string },
): CheckedSpec<readonly string[] | undefined> {
  const { accepts = 'an array of non-empty strings', ...declared } = d;
  const ok = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '');
  const list = checker<string[]>(ok, accepts);
  return spec(declared, 'string[]', (v, o) => Object.freeze([...list(v, o)]));
}

/**
 * A value of a shape no other kind describes (a function, `false`, an object), as `ok` says; from
 * env (when it names vars) through `fromEnv`.
 */
export function value<T>(
  d: Declared<T> & { accepts: string },
  ok: (v: unknown) => boolean,
  form: string,
  fromEnv?: (raw: string) => T,
): CheckedSpec<T> {
  const { accepts, ...declared } = d;
  return spec(declared, accepts, checker(ok, form), fromEnv);
}

/**
 * A nested group of options (`retry: { … }`), resolved field by field; absent, its fields'
 * defaults, unless it is `required`.
 */
export function group<S extends Schema>(
  schema: S,
  accepts: string,
  d: { required?: boolean } = {},
): CheckedSpec<Resolved<S>> {
  const check = (v: unknown, o: string, env: Env) => {
    if (v === undefined && d.required) throw new InvalidOptionError(o, v, accepts);
    return resolveGroup(schema, v, o, env, accepts);
  };
  return { accepts: 'object', group: schema, check };
}

/** An option its stage resolves itself; declared here for the keys and the docs. */
export function custom(
  d: Pick<OptionSpec<never>, 'accepts' | 'defaultText' | 'env' | 'envText' | 'group'>,
): OptionSpec<never> {
  return d;
}

/**
 * A deprecated option, still accepted for one release: config/resolve.ts maps it onto
 * `replacement` (checked as that option is) with one diagnostic warning.
 */
export function deprecated(replacement: string, accepts: string): OptionSpec<never> {
  return { accepts, deprecated: replacement };
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Resolves every checked option of `schema` from `values` (keys already checked): the value
 * given in code, else its env vars, else its default. Returns a frozen object.
 */
export function resolveFields<S extends Schema>(
  schema: S,
  values: object,
  path: string,
  env: Env,
): Resolved<S> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(schema)) {
    if (s.check === undefined) continue;
    out[key] = resolveOne(s, (values as Record<string, unknown>)[key], join(path, key), env, out);
  }
  return Object.freeze(out) as Resolved<S>;
}

/** An options group: `undefined` or an object of `schema`'s keys (a typo is refused), resolved. */
export function resolveGroup<S extends Schema>(
  schema: S,
  value: unknown,
  path: string,
  env: Env,
  accepts = 'an object',
): Resolved<S> {
  return resolveFields(schema, optionGroup(value, path, Object.keys(schema), accepts) ?? {}, path, env);
}

function resolveOne(
  s: OptionSpec,
  value: unknown,
  option: string,
  env: Env,
  before: Readonly<Record<string, unknown>>,
): unknown {
  // A group resolves even when absent: its fields have defaults.
  if (value !== undefined || s.group) return s.check?.(value, option, env);
  const set = firstEnv(env, s.env ?? []);
  if (set && s.fromEnv) return s.fromEnv(set.value, set.option);
  if (s.required !== undefined) throw new InvalidOptionError(option, undefined, `${s.required} (required)`);
  return typeof s.default === 'function' ? s.default(before) : s.default;
}
