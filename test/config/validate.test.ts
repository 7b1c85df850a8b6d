/**
 * The shared checks of src/config/schema.ts and validate.ts: one wording for every stage, and the
 * credential-free display of values in errors.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bool,
  type CheckedSpec,
  choice,
  int,
  MAX_TIMER_MS,
  ms,
  num,
  optionGroup,
  resolveFields,
  strings,
} from '../../src/config/index.js';
import { envBoolean, firstEnv } from '../../src/env.js';
import { InvalidOptionError, notShown, withoutCredentials } from '../../src/errors.js';
import { invalid } from './helpers.js';

/** The value an env-only option resolves to (through the schema, as every stage reads env). */
function fromEnv(spec: ReturnType<typeof int>, env: Record<string, string>): number {
  return resolveFields({ x: spec }, {}, '', env).x;
}

/** A value given in code for `option`, checked by `spec`. */
function check<T>(spec: CheckedSpec<T>, value: unknown, option: string): T {
  return spec.check(value, option, {});
}

/** What an option resolves to when it is not given: its default. */
function unset<T>(spec: CheckedSpec<T>): T {
  return resolveFields({ x: spec }, {}, '', {}).x;
}

describe('one wording per kind of check', () => {
  it.each([
    [() => check(int({ min: 1 }), 0, 'a.b'), 'podlog: invalid option a.b: got 0; expected an integer >= 1'],
    [
      () => check(int({ min: 1, max: 64 }), 65, 'a.b'),
      'podlog: invalid option a.b: got 65; expected an integer from 1 to 64',
    ],
    [
      () => check(int({ min: 1 }), '5', 'a.b'),
      'podlog: invalid option a.b: got "5"; expected an integer >= 1',
    ],
    [
      () => check(ms({ min: 0 }), -1, 'x.ms'),
      `podlog: invalid option x.ms: got -1; expected a whole number of milliseconds from 0 to ${MAX_TIMER_MS} (Node's timer limit, about 24.8 days)`,
    ],
    [
      () => check(num({ min: 0.5 }), Number.NaN, 'r'),
      'podlog: invalid option r: got NaN; expected a number >= 0.5',
    ],
    [() => check(bool({}), 'yes', 'w'), 'podlog: invalid option w: got "yes"; expected true or false'],
    [
      () => check(choice(['a', 'b'], {}), 'x', 'o'),
      "podlog: invalid option o: got \"x\"; expected one of 'a', 'b'",
    ],
    [
      () => check(strings({}), [''], 'l'),
      'podlog: invalid option l: got an array; expected an array of non-empty strings',
    ],
    [() => optionGroup(5, 'g', ['a']), 'podlog: invalid option g: got 5; expected an object'],
    [() => optionGroup([], 'g', ['a']), 'podlog: invalid option g: got an array; expected an object'],
    [
      () => fromEnv(int({ min: 1, env: 'N' }), { N: '1e3' }),
      'podlog: invalid option N: got "1e3"; expected an integer >= 1',
    ],
    [
      () => fromEnv(ms({ min: 1, env: 'T' }), { T: '10s' }),
      `podlog: invalid option T: got "10s"; expected a whole number of milliseconds from 1 to ${MAX_TIMER_MS} (Node's timer limit, about 24.8 days), e.g. 10000`,
    ],
  ])('%#', (fn, message) => {
    expect(invalid(fn).message).toBe(message);
  });

  it('undefined falls back; a valid value passes through', () => {
    expect(unset(int({ min: 1, default: 7 }))).toBe(7);
    expect(check(int({ min: 1, default: 7 }), 3, 'a')).toBe(3);
    expect(check(ms({ min: 0, default: 7 }), MAX_TIMER_MS, 'a')).toBe(MAX_TIMER_MS);
    expect(check(num({ min: 0.001, default: 1 }), 0.25, 'a')).toBe(0.25);
    expect(check(bool({ default: true }), false, 'a')).toBe(false);
    expect(check(choice(['json', false], { default: 'json' }), false, 'a')).toBe(false);
    expect(optionGroup(undefined, 'g', [])).toBeUndefined();
    expect(fromEnv(int({ min: 1, env: 'N' }), { N: ' 42 ' })).toBe(42);
    expect(fromEnv(int({ min: 1, default: 7, env: 'N' }), { N: '  ' })).toBe(7);
    expect(envBoolean({}, 'B')).toBeUndefined();
  });

  it('firstEnv: the first non-blank, trimmed, with its name', () => {
    expect(firstEnv({ A: ' ', B: ' b ', C: 'c' }, ['A', 'B', 'C'])).toEqual({ value: 'b', option: 'B' });
    expect(firstEnv({}, ['A'])).toBeUndefined();
  });
});

describe('values in option errors', () => {
  it.each([
    ['http://u:p@h:1/x?y#z', 'http://h:1/x', true],
    ['socks5://u:p@h:1080', 'socks5://h:1080', true],
    ['http://h/x', 'http://h/x', false],
    ['u:p@bad host', 'bad host', true],
    ['http://u:p/q@bad host/', 'http://bad host/', true],
    ['host:4318?token=t', 'host:4318', true],
    ['loud?', 'loud?', false],
    ['info', 'info', false],
  ])('%s → %s', (input, text, cut) => {
    expect(withoutCredentials(input)).toEqual({ text, cut });
  });

  it('never contain the user-info or query of any URL-like value', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9_-]{8,24}$/);
    const scheme = fc.constantFrom('', 'http://', 'ftp://', 'socks5://', 'grpc://');
    const host = fc.constantFrom('h', 'host:4318', 'bad host', '[::1]:80', '');
    fc.assert(
      fc.property(secret, scheme, host, fc.boolean(), (s, sc, h, inQuery) => {
        const value = inQuery ? `${sc}${h}/p?k=${s}` : `${sc}user:${s}@${h}/p`;
        const message = new InvalidOptionError('endpoint', value, 'a URL').message;
        return !message.includes(s);
      }),
    );
  });

  it('notShown names the kind only', () => {
    expect(new InvalidOptionError('k', notShown('abc'), 'x').message).toContain(
      'got a string of 3 characters (not shown)',
    );
    expect(new InvalidOptionError('k', notShown({ a: 1 }), 'x').message).toContain(
      'got an object (not shown)',
    );
    expect(new InvalidOptionError('k', () => 'source', 'x').message).toContain('got a function;');
    expect(new InvalidOptionError('k', Symbol('s'), 'x').message).toContain('got a symbol;');
    expect(new InvalidOptionError('k', 12n, 'x').message).toContain('got 12n;');
  });
});
