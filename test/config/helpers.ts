import { expect } from 'vitest';
import type { LoggerOptions } from '../../src/config/index.js';
import { type Config, resolveConfig } from '../../src/config/index.js';
import { InvalidOptionError } from '../../src/errors.js';

/** Resolves `options` with an empty env unless one is given (tests never read the machine's). */
export function resolve(options: Record<string, unknown>, env: Record<string, string> = {}): Config {
  return resolveConfig({ env, ...options } as LoggerOptions);
}

/** The `InvalidOptionError` `fn` throws; fails the test if it throws nothing or something else. */
export function invalid(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    return err as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

/** Everything an error exposes that could end up in a log: message, stack, JSON, fields. */
export function everythingShown(err: unknown): string {
  const e = err as Error & Record<string, unknown>;
  return [e.message, e.stack, String(e), JSON.stringify(e), ...Object.values(e).map(String)].join('\n');
}
