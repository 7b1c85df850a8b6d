/**
 * The facade's pino-compatible options (`serializers`, `mixin`, `msgPrefix`, `customLevels`),
 * resolved and validated once at `createLogger` (called from config/resolve.ts). Here, not in
 * logger/, so that config never imports the facade it configures. Child loggers
 * validate their own `serializers` / `msgPrefix` with the same functions.
 */
import { InvalidOptionError } from '../errors.js';
import { LevelTable, resolveCustomLevels } from '../record/level-table.js';
import * as opt from './schema.js';

/** A serializer: the value under its key → what is logged instead. */
// biome-ignore lint/suspicious/noExplicitAny: takes the framework's own request type (pino's SerializerFn does the same)
export type Serializer = (value: any) => unknown;

/** Serializers by top-level key, like pino's `serializers` option. */
export type Serializers = Readonly<Record<string, Serializer>>;

/**
 * `mixin(mergeObject, level, logger)`: called on every enabled call; the object it returns is
 * merged into the record's fields (the call's own keys win). `level` is pino's number (30 for
 * info), `mergeObject` the call's fields (`{}` when none).
 */
export type Mixin = (mergeObject: object, level: number, logger: unknown) => object | null | undefined;

/** pino-compatible options of `createLogger`. */
export interface FacadeOptions {
  /**
   * Functions applied to the value under a top-level key of a call's fields (and of `child()`
   * bindings), like pino's. E.g. `{ user: (u) => ({ id: u.id }) }`. A throwing serializer logs
   * `"[Unserializable]"` for that key. Default: none (podlog writes Errors and HTTP requests /
   * responses safely on its own; `stdSerializers` gives pino's nested shapes).
   */
  serializers?: Record<string, Serializer>;
  /** Fields added to every record, computed per call (see {@link Mixin}). Default none. */
  mixin?: Mixin;
  /** A string put before every message (`'[billing] '`). Children append their own. Default `''`. */
  msgPrefix?: string;
  /**
   * Extra levels in pino's numbers, e.g. `{ audit: 35 }`: adds `log.audit(…)` (INFO3, severity
   * 11), usable as a `level`. See docs/api.md for the mapping onto OTel severity numbers.
   */
  customLevels?: Record<string, number>;
}

/** A validated serializer set: its keys in order, for a quick pass over a call's fields. */
export interface SerializerSet {
  readonly keys: readonly string[];
  readonly byKey: Serializers;
}

export const FACADE_OPTIONS = {
  serializers: opt.custom({ accepts: 'object of functions', defaultText: 'none' }),
  mixin: opt.value<Mixin | undefined>(
    { accepts: 'function', defaultText: 'none' },
    (v) => typeof v === 'function',
    'a function (mergeObject, level, logger) => object',
  ),
  msgPrefix: opt.custom({ accepts: 'string', defaultText: "`''`" }),
  customLevels: opt.custom({ accepts: 'object of numbers', defaultText: 'none' }),
} satisfies Record<keyof FacadeOptions, opt.OptionSpec>;

/**
 * Validates a `serializers` option and layers it over `parent` (a key of `value` replaces the
 * parent's). `undefined` when there are none at all.
 */
export function resolveSerializers(
  value: unknown,
  option: string,
  parent?: SerializerSet,
): SerializerSet | undefined {
  if (value === undefined) return parent;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(
      option,
      value,
      'an object of key → function, like { user: (u) => ({ id: u.id }) }',
    );
  }
  const byKey: Record<string, Serializer> = { ...parent?.byKey };
  for (const [key, fn] of Object.entries(value)) {
    if (typeof fn !== 'function')
      throw new InvalidOptionError(`${option}.${key}`, fn, 'a function (value) => logged value');
    byKey[key] = fn as Serializer;
  }
  const keys = Object.keys(byKey);
  return keys.length === 0
    ? undefined
    : Object.freeze({ keys: Object.freeze(keys), byKey: Object.freeze(byKey) });
}

/** Validates a `msgPrefix` option (a string). */
export function resolveMsgPrefix(value: unknown, option: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new InvalidOptionError(option, value, "a string, like '[billing] '");
  return value;
}

export function resolveFacadeOptions(options: FacadeOptions) {
  const { mixin } = opt.resolveFields(FACADE_OPTIONS, options, '', {});
  return Object.freeze({
    serializers: resolveSerializers(options.serializers, 'serializers'),
    mixin,
    msgPrefix: resolveMsgPrefix(options.msgPrefix, 'msgPrefix'),
    levelTable: new LevelTable(resolveCustomLevels(options.customLevels)),
  });
}
