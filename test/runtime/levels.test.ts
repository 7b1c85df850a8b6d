import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import { createTestLogger } from '../../src/testing/index.js';

const changes = (records: { body: unknown }[]) =>
  records.map((r) => String(r.body)).filter((b) => b.startsWith('podlog level changed'));

describe('PODLOG_LEVEL with per-logger entries', () => {
  it('parses a default level and name=level entries (case and spaces do not matter)', () => {
    const config = resolveConfig({ env: { PODLOG_LEVEL: ' INFO , http=Debug,db = warn,' } });
    expect(config.level).toBe('info');
    expect(config.levels).toEqual({ http: 'debug', db: 'warn' });
  });

  it('entries alone leave the default at info; a bare level alone sets only the default', () => {
    expect(resolveConfig({ env: { PODLOG_LEVEL: 'http=trace' } })).toMatchObject({
      level: 'info',
      levels: { http: 'trace' },
    });
    expect(resolveConfig({ env: { PODLOG_LEVEL: 'error' } })).toMatchObject({ level: 'error', levels: {} });
  });

  it('the level option wins over the bare level; the named entries still apply', () => {
    const config = resolveConfig({ level: 'warn', env: { PODLOG_LEVEL: 'debug,http=trace' } });
    expect(config.level).toBe('warn');
    expect(config.levels).toEqual({ http: 'trace' });
  });

  it.each(['loud', 'info,debug', 'http=loud', '=debug', 'http=debug,http=warn'])(
    'rejects %j naming PODLOG_LEVEL and the accepted form',
    (value) => {
      let error: unknown;
      try {
        resolveConfig({ env: { PODLOG_LEVEL: value } });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe('PODLOG_LEVEL');
      expect((error as Error).message).toContain('info,http=debug,db=warn');
    },
  );

  it('named loggers (and names below them) follow their entry; the rest the default', () => {
    const { logger, records } = createTestLogger({
      level: undefined,
      env: { PODLOG_LEVEL: 'warn,http=debug' },
    });
    const http = logger.child({}, { name: 'http' });
    const client = http.child({}, { name: 'http.client' });
    const httpish = logger.child({}, { name: 'httpd' });
    logger.info('root info');
    http.debug('http debug');
    client.debug('client debug');
    httpish.info('httpd info');
    httpish.warn('httpd warn');
    expect(records.map((r) => [r.scope, r.body])).toEqual([
      ['http', 'http debug'],
      ['http.client', 'client debug'],
      ['httpd', 'httpd warn'],
    ]);
  });
});

describe('log.setLevel', () => {
  it('on the root sets the default level; null returns to the configured one; each change is logged once', () => {
    const { logger, records, find } = createTestLogger({ level: 'info' });
    const child = logger.child({ req: 1 });
    child.debug('hidden');
    logger.setLevel('debug');
    child.debug('shown');
    logger.setLevel('debug'); // no change, no record
    logger.setLevel(null);
    child.debug('hidden again');
    expect(find('debug').map((r) => r.body)).toEqual(['shown']);
    expect(changes(records)).toEqual([
      'podlog level changed: info → debug (setLevel)',
      'podlog level changed: debug → info (setLevel)',
    ]);
    const change = records.find((r) => r.body === 'podlog level changed: info → debug (setLevel)');
    expect(change).toMatchObject({
      level: 'info',
      attributes: {
        'podlog.level.previous': 'info',
        'podlog.level.current': 'debug',
        'podlog.level.cause': 'setLevel',
      },
    });
  });

  it('the change record is written even when the level hides INFO', () => {
    const { logger, records } = createTestLogger({ level: 'info' });
    logger.setLevel('error');
    expect(changes(records)).toEqual(['podlog level changed: info → error (setLevel)']);
  });

  it('{ logger } sets every logger of that name over their own level, from any logger object', () => {
    const { logger, find, records } = createTestLogger({ level: 'info' });
    const db = logger.child({}, { name: 'db' });
    const http = logger.child({}, { name: 'http', level: 'warn' });
    const perRequest = http.child({ req: 7 });
    db.setLevel('trace', { logger: 'http' });
    perRequest.trace('request trace');
    db.trace('db trace hidden');
    expect(find('trace').map((r) => [r.scope, r.body])).toEqual([['http', 'request trace']]);
    expect(changes(records)).toEqual(['podlog level changed: info → trace (setLevel, logger http)']);
    expect(records.find((r) => changes([r]).length)?.attributes['podlog.level.logger']).toBe('http');

    logger.setLevel(null, { logger: 'http' });
    perRequest.info('back to its own level: hidden');
    perRequest.warn('shown');
    expect(find(undefined, /back to its own level|shown/).map((r) => r.body)).toEqual(['shown']);
  });

  it('null for a name returns it to its PODLOG_LEVEL entry', () => {
    const { logger } = createTestLogger({ level: undefined, env: { PODLOG_LEVEL: 'info,http=warn' } });
    const http = logger.child({}, { name: 'http' });
    logger.setLevel('debug', { logger: 'http' });
    expect(http.level).toBe('debug');
    logger.setLevel(null, { logger: 'http' });
    expect(http.level).toBe('warn');
  });

  it('the most specific name wins: http.client over http', () => {
    const { logger } = createTestLogger({ level: 'info' });
    const http = logger.child({}, { name: 'http' });
    const client = logger.child({}, { name: 'http.client' });
    const pool = logger.child({}, { name: 'http.client.pool' });
    logger.setLevel('warn', { logger: 'http' });
    logger.setLevel('trace', { logger: 'http.client' });
    expect([http.level, client.level, pool.level]).toEqual(['warn', 'trace', 'trace']);
  });

  it('on a child without { logger } sets that child only (no record: not a named logger)', () => {
    const { logger, records } = createTestLogger({ level: 'info' });
    const child = logger.child({}, { name: 'job' });
    child.setLevel('error');
    expect([logger.level, child.level]).toEqual(['info', 'error']);
    child.setLevel(null);
    expect(child.level).toBe('info');
    expect(changes(records)).toEqual([]);
  });

  it('rejects an unknown level or an empty logger name', () => {
    const { logger } = createTestLogger();
    expect(() => logger.setLevel('loud' as never)).toThrow(InvalidOptionError);
    expect(() => logger.setLevel('debug', { logger: '' })).toThrow(/setLevel logger/);
    expect(logger.level).toBe('trace');
  });
});
