import { describe, expect, it } from 'vitest';
import { createLogger, InvalidOptionError, type Logger } from '../../src/index.js';
import {
  DEFAULT_ANNOTATION_DENY,
  DEFAULT_PODINFO_DIR,
  matchesAny,
  resolveResourceOptions,
} from '../../src/resource/index.js';

describe('resource options', () => {
  it('defaults: /etc/podinfo (not explicit), last-applied-configuration and podlog.dev/* denied, watching', () => {
    const c = resolveResourceOptions({}, {});
    expect(c).toMatchObject({
      podinfoDir: DEFAULT_PODINFO_DIR,
      podinfoDirExplicit: false,
      annotationAllow: undefined,
      annotationDeny: DEFAULT_ANNOTATION_DENY,
      watch: true,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('podinfoDir: code over PODLOG_PODINFO_DIR over default; false turns it off', () => {
    expect(resolveResourceOptions({}, { PODLOG_PODINFO_DIR: '/env' })).toMatchObject({
      podinfoDir: '/env',
      podinfoDirExplicit: true,
    });
    expect(resolveResourceOptions({ podinfoDir: '/code' }, { PODLOG_PODINFO_DIR: '/env' }).podinfoDir).toBe(
      '/code',
    );
    expect(
      resolveResourceOptions({ podinfoDir: false }, { PODLOG_PODINFO_DIR: '/env' }).podinfoDir,
    ).toBeUndefined();
  });

  it('PODLOG_PODINFO_DIR is read like every env var: trimmed, blank is unset', () => {
    expect(resolveResourceOptions({}, { PODLOG_PODINFO_DIR: ' /env ' }).podinfoDir).toBe('/env');
    expect(resolveResourceOptions({}, { PODLOG_PODINFO_DIR: '  ' })).toMatchObject({
      podinfoDir: '/etc/podinfo',
      podinfoDirExplicit: false,
    });
  });

  it.each([
    [{ podinfoDir: '' }, 'podinfoDir'],
    [{ podinfoDir: 3 }, 'podinfoDir'],
    [{ podinfo: { annotationAllow: 'a.io/*' } }, 'podinfo.annotationAllow'],
    [{ podinfo: { annotationDeny: [''] } }, 'podinfo.annotationDeny'],
    [{ podinfo: { maxFileBytes: 0 } }, 'podinfo.maxFileBytes'],
    [{ podinfo: { maxValueLength: 1.5 } }, 'podinfo.maxValueLength'],
    [{ podinfo: { pollIntervalMs: 10 } }, 'podinfo.pollIntervalMs'],
    [{ podinfo: { watch: 'yes' } }, 'podinfo.watch'],
  ])('createLogger rejects %j naming %s', async (options, option) => {
    let thrown: unknown;
    let built: Logger | undefined;
    try {
      // No exit hooks, and shut down below: a case that wrongly succeeds leaves nothing running.
      built = createLogger({ ...(options as object), diagnostics: false, env: {}, handleExit: false });
    } catch (err) {
      thrown = err;
    }
    await built?.shutdown({ timeoutMs: 100 });
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect((thrown as InvalidOptionError).option).toBe(option);
    expect((thrown as InvalidOptionError).code).toBe('PODLOG_INVALID_OPTION');
  });

  it('matchesAny: exact keys and prefix patterns', () => {
    expect(matchesAny('a.io/x', ['a.io/*'])).toBe(true);
    expect(matchesAny('a.iox', ['a.io/*'])).toBe(false);
    expect(matchesAny('k', ['k'])).toBe(true);
    expect(matchesAny('kk', ['k'])).toBe(false);
    expect(matchesAny('anything', ['*'])).toBe(true);
    expect(matchesAny('x', [])).toBe(false);
  });
});
