import { captureConsole } from 'podlog';
import { createTestLogger } from 'podlog/testing';
import { describe, expect, it } from 'vitest';

/** A console whose methods record what they print. */
function fakeConsole() {
  const printed: Array<[string, unknown[]]> = [];
  const c = {} as Record<string, (...args: unknown[]) => void>;
  for (const m of ['log', 'info', 'warn', 'error', 'debug']) c[m] = (...args) => printed.push([m, args]);
  return { console: c as unknown as Console, printed };
}

describe('captureConsole', () => {
  it('turns each console method into a record of the matching level, still printing', () => {
    const { logger, records } = createTestLogger();
    const { console: c, printed } = fakeConsole();
    captureConsole(logger, { console: c });
    c.log('plain %s', 'text', { n: 1 });
    c.info('info');
    c.warn('warn');
    c.error('failed:', new Error('boom'));
    c.debug('debug');
    expect(records.map((r) => [r.level, r.scope, r.body])).toEqual([
      ['info', 'console', 'plain text { n: 1 }'],
      ['info', 'console', 'info'],
      ['warn', 'console', 'warn'],
      ['error', 'console', 'failed: Error: boom'],
      ['debug', 'console', 'debug'],
    ]);
    expect(records[3].attributes['exception.message']).toBe('boom');
    expect(printed.map(([m]) => m)).toEqual(['log', 'info', 'warn', 'error', 'debug']);
    expect(printed[0][1]).toEqual(['plain %s', 'text', { n: 1 }]);
  });

  it('restores the console, and a second capture replaces the first', () => {
    const first = createTestLogger();
    const second = createTestLogger();
    const { console: c, printed } = fakeConsole();
    const original = c.log;
    captureConsole(first.logger, { console: c });
    const restore = captureConsole(second.logger, { console: c });
    c.log('once');
    expect(first.records).toHaveLength(0);
    expect(second.records.map((r) => r.body)).toEqual(['once']);
    restore();
    expect(c.log).toBe(original);
    c.log('after');
    expect(second.records).toHaveLength(1);
    expect(printed.map(([, args]) => args[0])).toEqual(['once', 'after']);
  });

  it('passThrough: false records without printing; a log call that prints does not loop', () => {
    const { logger, records } = createTestLogger();
    const { console: c, printed } = fakeConsole();
    captureConsole(logger, { console: c, passThrough: false });
    // Formatting this value logs to the console again, from inside the captured call.
    const noisy = {
      [Symbol.for('nodejs.util.inspect.custom')]() {
        c.log('printed from inside a log call');
        return 'noisy';
      },
    };
    c.warn('value', noisy);
    expect(printed).toHaveLength(0);
    expect(records.map((r) => r.body)).toEqual(['value noisy']);
  });
});
