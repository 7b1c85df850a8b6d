/**
 * Hostile log values for property tests. fast-check generates a plain, printable *recipe*;
 * `build()` turns it into the real value (Proxies, revoked Proxies, throwing getters, cycles,
 * huge and sparse arrays, deep chains), fresh for each run, so a counterexample can always be
 * printed and replayed.
 */
import fc from 'fast-check';

export type Recipe =
  | { t: 'prim'; v: unknown }
  | { t: 'str'; s: string }
  | { t: 'hugeStr'; n: number; unit: string }
  | { t: 'hugeArr'; n: number }
  | { t: 'sparse'; n: number }
  | { t: 'typed'; n: number }
  | { t: 'deep'; n: number; arr: boolean }
  | { t: 'wide'; n: number; keyLen: number }
  | { t: 'obj'; entries: Array<[string, Recipe]>; nullProto: boolean }
  | { t: 'arr'; items: Recipe[] }
  | { t: 'map'; entries: Array<[string, Recipe]> }
  | { t: 'set'; items: Recipe[] }
  | { t: 'cycle'; inner: Recipe }
  | { t: 'proxy'; mode: 'revoked' | 'throwAll' | 'lyingKeys' | 'revokedArray' }
  | { t: 'getterThrows'; key: string }
  | { t: 'toJSON'; mode: 'throw' | 'self' | 'huge' | 'chain' | 'logsAgain' }
  | { t: 'toPrimitiveThrows' }
  | { t: 'error'; message: string; cause: Recipe; ownKey: string; proxy: boolean };

/** Keys that try to reach prototypes or built-ins. */
export const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'toJSON',
  '',
  '\ud800',
  'a\udfffb',
  'x.y[0]*',
] as const;

const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
/** Strings mixing any code point with lone surrogates (invalid UTF-16). */
export const nastyString = fc.string({
  unit: fc.oneof(loneSurrogate, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 40,
});
const key = fc.oneof(fc.constantFrom(...NASTY_KEYS), nastyString);

const prim = fc
  .oneof(
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: false }),
  )
  .map((v): Recipe => ({ t: 'prim', v }));

export const recipe: fc.Arbitrary<Recipe> = fc.letrec<{ r: Recipe }>((tie) => ({
  r: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    prim,
    nastyString.map((s): Recipe => ({ t: 'str', s })),
    fc
      .record({
        n: fc.integer({ min: 20_000, max: 300_000 }),
        unit: fc.constantFrom('x', 'é', '😀', '\ud800'),
      })
      .map((r): Recipe => ({ t: 'hugeStr', ...r })),
    fc.integer({ min: 1000, max: 200_000 }).map((n): Recipe => ({ t: 'hugeArr', n })),
    fc.constantFrom(1e6, 2 ** 24, 2 ** 32 - 1).map((n): Recipe => ({ t: 'sparse', n })),
    fc.integer({ min: 1000, max: 500_000 }).map((n): Recipe => ({ t: 'typed', n })),
    fc
      .record({ n: fc.integer({ min: 10, max: 20_000 }), arr: fc.boolean() })
      .map((r): Recipe => ({ t: 'deep', ...r })),
    fc
      .record({ n: fc.integer({ min: 1000, max: 20_000 }), keyLen: fc.constantFrom(1, 10, 1000) })
      .map((r): Recipe => ({ t: 'wide', ...r })),
    fc
      .record({ entries: fc.array(fc.tuple(key, tie('r')), { maxLength: 4 }), nullProto: fc.boolean() })
      .map((r): Recipe => ({ t: 'obj', ...r })),
    fc.array(tie('r'), { maxLength: 4 }).map((items): Recipe => ({ t: 'arr', items })),
    fc.array(fc.tuple(key, tie('r')), { maxLength: 3 }).map((entries): Recipe => ({ t: 'map', entries })),
    fc.array(tie('r'), { maxLength: 3 }).map((items): Recipe => ({ t: 'set', items })),
    tie('r').map((inner): Recipe => ({ t: 'cycle', inner })),
    fc
      .constantFrom('revoked', 'throwAll', 'lyingKeys', 'revokedArray' as const)
      .map((mode): Recipe => ({ t: 'proxy', mode })),
    key.map((k): Recipe => ({ t: 'getterThrows', key: k })),
    fc
      .constantFrom('throw', 'self', 'huge', 'chain', 'logsAgain' as const)
      .map((mode): Recipe => ({ t: 'toJSON', mode })),
    fc.constant<Recipe>({ t: 'toPrimitiveThrows' }),
    fc
      .record({ message: nastyString, cause: tie('r'), ownKey: key, proxy: fc.boolean() })
      .map((r): Recipe => ({ t: 'error', ...r })),
  ),
})).r;

function define(target: object, k: string, value: unknown): void {
  Object.defineProperty(target, k, { value, enumerable: true, writable: true, configurable: true });
}

const thrower = () => {
  throw new Error('hostile trap');
};

/** Builds the value a recipe describes. `again` is called by a `toJSON` that logs re-entrantly. */
export function build(r: Recipe, again: () => void = () => {}): unknown {
  switch (r.t) {
    case 'prim':
      return r.v;
    case 'str':
      return r.s;
    case 'hugeStr':
      return r.unit.repeat(r.n);
    case 'hugeArr':
      return Array.from({ length: r.n }, (_, i) => (i % 2 ? `v${i}` : i));
    case 'sparse': {
      const a: unknown[] = [];
      a.length = r.n;
      a[0] = 'first';
      return a;
    }
    case 'typed':
      return new Float64Array(r.n).fill(Math.PI);
    case 'deep': {
      const root: Record<string, unknown> | unknown[] = r.arr ? [] : {};
      let cur = root;
      for (let i = 0; i < r.n; i++) {
        const next = r.arr ? [] : {};
        if (Array.isArray(cur)) cur.push(next);
        else cur.a = next;
        cur = next;
      }
      return root;
    }
    case 'wide': {
      const o: Record<string, number> = {};
      const pad = 'k'.repeat(r.keyLen);
      for (let i = 0; i < r.n; i++) o[`${pad}${i}`] = i;
      return o;
    }
    case 'obj': {
      const o = r.nullProto ? Object.create(null) : {};
      for (const [k, v] of r.entries) define(o, k, build(v, again));
      return o;
    }
    case 'arr':
      return r.items.map((x) => build(x, again));
    case 'map':
      return new Map(r.entries.map(([k, v]) => [k, build(v, again)]));
    case 'set':
      return new Set(r.items.map((x) => build(x, again)));
    case 'cycle': {
      const o: Record<string, unknown> = { inner: build(r.inner, again) };
      o.self = o;
      o.list = [o, { back: o }];
      return o;
    }
    case 'proxy': {
      if (r.mode === 'revoked' || r.mode === 'revokedArray') {
        const { proxy, revoke } = Proxy.revocable(r.mode === 'revokedArray' ? [1, 2] : { a: 1 }, {});
        revoke();
        return proxy;
      }
      if (r.mode === 'throwAll') {
        return new Proxy(
          {},
          {
            get: thrower,
            has: thrower,
            ownKeys: thrower,
            getOwnPropertyDescriptor: thrower,
            getPrototypeOf: thrower,
            defineProperty: thrower,
            set: thrower,
            deleteProperty: thrower,
            isExtensible: thrower,
            preventExtensions: thrower,
          },
        );
      }
      // Claims keys it does not have, and a huge length.
      return new Proxy([], {
        ownKeys: () => ['a', 'b', 'length'],
        get: (_t, p) => (p === 'length' ? 2 ** 32 - 1 : p === Symbol.iterator ? undefined : 'lie'),
        getOwnPropertyDescriptor: (_t, p) =>
          p === 'length'
            ? { value: 2 ** 32 - 1, writable: true, enumerable: false, configurable: false }
            : { value: 'lie', enumerable: true, configurable: true },
      });
    }
    case 'getterThrows': {
      const o = { ok: 1 };
      Object.defineProperty(o, r.key, { enumerable: true, get: thrower });
      return o;
    }
    case 'toJSON': {
      switch (r.mode) {
        case 'throw':
          return { toJSON: thrower };
        case 'self': {
          const o: Record<string, unknown> = {};
          o.toJSON = () => o;
          return o;
        }
        case 'huge':
          return { toJSON: () => Array.from({ length: 100_000 }, (_, i) => ({ i })) };
        case 'chain':
          return { toJSON: () => ({ toJSON: () => ({ toJSON: thrower }) }) };
        case 'logsAgain':
          return {
            toJSON: () => {
              again();
              return 'after re-entrant log';
            },
          };
      }
      return undefined;
    }
    case 'toPrimitiveThrows':
      return { [Symbol.toPrimitive]: thrower, toString: thrower, valueOf: thrower, x: 1 };
    case 'error': {
      const e = new Error(r.message, { cause: build(r.cause, again) });
      define(e, r.ownKey, 'own');
      if (!r.proxy) return e;
      return new Proxy(e, { get: (t, p) => (p === 'stack' ? thrower() : Reflect.get(t, p)) });
    }
  }
}

/** Own property names of the built-in prototypes, to check nothing was polluted. */
export function prototypeSnapshot(): string {
  const protos = [Object.prototype, Array.prototype, Function.prototype, Error.prototype, Map.prototype];
  return JSON.stringify(protos.map((p) => Reflect.ownKeys(p).map(String).sort()));
}
