/**
 * The pino-compatible surface of the facade: serializers, mixin, msgPrefix, bindings() /
 * setBindings(), levels, customLevels, silent, isLevelEnabled, child options, flush(cb), and
 * the option checks at createLogger.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, InvalidOptionError, type LogFn } from '../../src/index.js';
import { captureLogger } from '../helpers/record-capture.js';

describe('serializers', () => {
  it('apply to the top-level keys of fields and of child bindings; child serializers add to the parent', () => {
    const { log, sink } = captureLogger({
      serializers: { user: (u: { id: number; password: string }) => ({ id: u.id }) },
    });
    log.info({ user: { id: 7, password: 'pw-NOT-LOGGED' }, other: 1 }, 'login');
    expect(sink.last().attributes).toEqual({ user: { id: 7 }, other: 1 });
    const child = log.child(
      { user: { id: 8, password: 'x' } },
      { serializers: { order: (o: { id: string }) => o.id } },
    );
    child.info('with order', { order: { id: 'o-1', lines: [] } });
    expect(sink.last().attributes).toEqual({ user: { id: 8 }, order: 'o-1' });
    // The parent is unchanged by the child's serializers.
    log.info('parent', { order: { id: 'o-2' } });
    expect(sink.last().attributes).toEqual({ order: { id: 'o-2' } });
  });

  it('serialize child bindings as they serialize call fields: a throwing getter costs its own key only, undefined is skipped', () => {
    let calls = 0;
    const { log, sink } = captureLogger({
      serializers: {
        user: (u: { id: number } | undefined) => {
          calls++;
          return { id: u?.id };
        },
      },
    });
    const bindings = {
      user: { id: 9, password: 'pw-NOT-LOGGED' },
      get broken(): never {
        throw new Error('getter');
      },
    };
    log.child(bindings).info('bound');
    expect(sink.last().attributes).toEqual({ user: { id: 9 }, broken: '[Unserializable]' });
    log.child({ user: undefined, n: 1 }).info('unbound');
    expect(sink.last().attributes).toEqual({ n: 1 });
    // Once for `user: { id: 9 }`; a binding holding `undefined` is not serialized (as in pino).
    expect(calls).toBe(1);
  });

  it('a throwing serializer costs its key, not the record', () => {
    const { log, sink } = captureLogger({
      serializers: {
        bad: () => {
          throw new Error('nope');
        },
      },
    });
    log.info('still logged', { bad: 1, good: 2 });
    expect(sink.last()).toMatchObject({
      body: 'still logged',
      attributes: { bad: '[Unserializable]', good: 2 },
    });
  });

  it('are validated at createLogger and child()', () => {
    expect(() => createLogger({ env: {}, stdout: false, serializers: { a: 1 as never } })).toThrow(
      /serializers\.a/,
    );
    const { log } = captureLogger();
    expect(() => log.child({}, { serializers: 'x' as never })).toThrow(InvalidOptionError);
  });
});

describe('mixin', () => {
  it('is called per call with (fields, pino level, logger); the call wins on conflicts', () => {
    const seen: unknown[] = [];
    let n = 0;
    const { log, sink } = captureLogger({
      mixin: (obj, level, logger) => {
        seen.push([obj, level, logger]);
        return { seq: ++n, a: 'mixin' };
      },
    });
    log.info('one', { a: 'call' });
    log.warn('two');
    expect(sink.decoded().map((r) => r.attributes)).toEqual([
      { seq: 1, a: 'call' },
      { seq: 2, a: 'mixin' },
    ]);
    expect(seen[0]).toEqual([{ a: 'call' }, 30, log]);
    expect((seen[1] as unknown[])[1]).toBe(40);
    const child = log.child({ c: 1 });
    child.error('three');
    expect((seen[2] as unknown[])[2]).toBe(child);
    expect(sink.last().attributes).toEqual({ c: 1, seq: 3, a: 'mixin' });
  });

  it('a throwing mixin costs its fields, not the record', () => {
    const { log, sink } = captureLogger({
      mixin: () => {
        throw new Error('mixin broke');
      },
    });
    log.info('kept', { a: 1 });
    expect(sink.last()).toMatchObject({ body: 'kept', attributes: { a: 1 } });
  });
});

describe('msgPrefix', () => {
  it('prefixes messages; a child appends its own', () => {
    const { log, sink } = captureLogger({ msgPrefix: '[billing] ' });
    log.info('charged %d', 5);
    expect(sink.last().body).toBe('[billing] charged 5');
    const child = log.child({}, { msgPrefix: '[stripe] ' });
    child.info({ a: 1 }, 'call');
    expect(sink.last().body).toBe('[billing] [stripe] call');
    expect(child.msgPrefix).toBe('[billing] [stripe] ');
    // An Error's own message as the body is not a message argument: no prefix (as pino).
    log.error(new Error('raw'));
    expect(sink.last().body).toBe('raw');
  });
});

describe('bindings() and setBindings()', () => {
  it('returns the bindings of the logger and its ancestors; setBindings adds and replaces', () => {
    const { log, sink } = captureLogger();
    const a = log.child({ service: 'api', req: 'r1' });
    const b = a.child({ req: 'r2', user: 'u' });
    expect(log.bindings()).toEqual({});
    expect(b.bindings()).toEqual({ service: 'api', req: 'r2', user: 'u' });
    b.setBindings({ user: 'u2', tenant: 't' });
    expect(b.bindings()).toEqual({ service: 'api', req: 'r2', user: 'u2', tenant: 't' });
    b.info('x');
    expect(sink.last().attributes).toEqual({ service: 'api', req: 'r2', user: 'u2', tenant: 't' });
    // Children created after see the new bindings; the parent does not change.
    b.child({ d: 1 }).info('y');
    expect(sink.last().attributes).toMatchObject({ user: 'u2', tenant: 't', d: 1 });
    a.info('z');
    expect(sink.last().attributes).toEqual({ service: 'api', req: 'r1' });
    log.setBindings({ root: true });
    log.info('root');
    expect(sink.last().attributes).toEqual({ root: true });
  });
});

describe('levels, customLevels, silent', () => {
  it('levels has pino values and labels', () => {
    const { log } = captureLogger();
    expect(log.levels.values).toEqual({ trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 });
    expect(log.levels.labels[30]).toBe('info');
  });

  it('customLevels add methods mapped onto OTel severities by pino value', () => {
    const log = createLogger({
      env: {},
      stdout: false,
      diagnostics: false,
      customLevels: { audit: 35, notice: 31, crit: 55 },
    });
    expect(typeof log.audit).toBe('function');
    void log.shutdown();
    const { log: l2, sink } = captureLogger({
      customLevels: { audit: 35, notice: 31, crit: 55, verbose: 5, emerg: 100 },
    });
    const c = l2 as typeof l2 & Record<'audit' | 'notice' | 'crit' | 'verbose' | 'emerg', LogFn>;
    c.audit('a', { who: 'x' });
    c.notice('n');
    c.crit('c');
    c.verbose('v'); // below info: filtered
    c.emerg('e');
    expect(sink.decoded().map((r) => [r.body, r.severityNumber, r.severityText])).toEqual([
      ['a', 11, 'AUDIT'],
      ['n', 9, 'NOTICE'],
      ['c', 19, 'CRIT'],
      ['e', 24, 'EMERG'],
    ]);
    expect(l2.levels.values.audit).toBe(35);
    expect(l2.levels.labels[35]).toBe('audit');
    // Custom names work as levels everywhere.
    l2.level = 'audit';
    expect(l2.isLevelEnabled('info')).toBe(false);
    expect(l2.isLevelEnabled('audit')).toBe(true);
    c.info('hidden');
    c.audit('shown');
    expect(sink.last().body).toBe('shown');
    const child = l2.child({}, { level: 'crit' }) as typeof c;
    child.audit('hidden');
    child.crit('child crit');
    expect(sink.last().body).toBe('child crit');
    expect(typeof child.audit).toBe('function');
    expect(captureLogger({ customLevels: { audit: 35 }, level: 'audit' }).log.level).toBe('audit');
    l2.setLevel('crit');
    expect(l2.level).toBe('crit');
    l2.setLevel('notice', { logger: 'db' });
    const db = l2.child({}, { name: 'db' }) as typeof c;
    db.notice('db notice');
    expect(sink.last().body).toBe('db notice');
    // Below their logger's level, the custom and built-in calls above wrote nothing.
    expect(sink.decoded().map((r) => r.body)).not.toContain('hidden');
    expect(() => l2.setLevel('nope')).toThrow(/setLevel level/);
  });

  it('bad custom levels fail fast, naming the option', () => {
    const make = (customLevels: unknown) => () =>
      createLogger({ env: {}, stdout: false, customLevels: customLevels as never });
    expect(make({ info: 35 })).toThrow(/customLevels\.info/);
    expect(make({ child: 35 })).toThrow(/customLevels\.child/);
    expect(make({ audit: 3.5 })).toThrow(/customLevels\.audit/);
    expect(make({ audit: 0 })).toThrow(InvalidOptionError);
    expect(make([1])).toThrow(/customLevels/);
    expect(() => createLogger({ env: {}, stdout: false, level: 'audit' })).toThrow(/level/);
  });

  it('silent: a method that does nothing, and a level', () => {
    const { log, sink } = captureLogger();
    log.silent('nothing');
    expect(sink.records).toHaveLength(0);
    log.level = 'silent';
    log.fatal('x');
    expect(sink.records).toHaveLength(0);
    expect(log.isLevelEnabled('silent')).toBe(false);
  });
});

describe('flush(cb)', () => {
  it('calls back as pino does and still returns a promise', async () => {
    const { log } = captureLogger();
    const err = await new Promise<Error | undefined>((resolve) => {
      void log.flush((e) => resolve(e));
    });
    expect(err).toBeUndefined();
    await expect(log.flush()).resolves.toBeUndefined();
  });
});

describe('option checks', () => {
  it('mixin and msgPrefix are validated', () => {
    expect(() => createLogger({ env: {}, stdout: false, mixin: {} as never })).toThrow(/mixin/);
    expect(() => createLogger({ env: {}, stdout: false, msgPrefix: 3 as never })).toThrow(/msgPrefix/);
    const { log } = captureLogger();
    expect(() => log.child({}, { msgPrefix: 1 as never })).toThrow(/child msgPrefix/);
  });
});
