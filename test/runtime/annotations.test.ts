import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLogger, type TestLogger } from '../../src/testing/index.js';
import { until } from '../helpers/wait.js';
import { writePodinfo } from '../resource/helpers/kubelet-volume.js';

const LABELS = { app: 'checkout', 'pod-template-hash': '7d9f8b6c5d' };

describe('levels from pod annotations (kubelet Downward API layout, ..data swaps)', () => {
  let tmp: string;
  let dir: string;
  let diag: string[];
  let t: TestLogger | undefined;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'podlog-levels-'));
    dir = join(tmp, 'podinfo');
    diag = [];
  });
  afterEach(async () => {
    await t?.logger.shutdown();
    t = undefined;
    rmSync(tmp, { recursive: true, force: true });
  });

  function start(annotations: Record<string, string> = {}, env: Record<string, string> = {}): TestLogger {
    writePodinfo(dir, LABELS, annotations);
    t = createTestLogger({
      level: undefined,
      env,
      podinfoDir: dir,
      podinfo: { pollIntervalMs: 100 },
      diagnostics: (line) => diag.push(line),
    });
    return t;
  }

  const changes = (logger: TestLogger) =>
    logger.records.map((r) => String(r.body)).filter((b) => b.startsWith('podlog level changed'));

  /** Waits for the `n`-th level-change record (the observable sign the watcher applied a swap). */
  const waitForChanges = (logger: TestLogger, n: number) =>
    until(() => changes(logger).length >= n, `${n} level change record(s)`);

  it('podlog.dev/level turns debug on after the swap and off again when removed', async () => {
    const tl = start();
    const { logger, find } = tl;
    logger.debug('before');
    expect(find('debug')).toHaveLength(0);

    writePodinfo(dir, LABELS, { 'podlog.dev/level': 'debug' });
    await waitForChanges(tl, 1);
    logger.debug('during');
    expect(find('debug').map((r) => r.body)).toEqual(['during']);
    expect(changes(tl)).toEqual(['podlog level changed: info → debug (annotation podlog.dev/level)']);
    expect(find('info', 'podlog level changed')[0].attributes).toEqual({
      'podlog.level.previous': 'info',
      'podlog.level.current': 'debug',
      'podlog.level.cause': 'annotation podlog.dev/level',
    });

    writePodinfo(dir, LABELS, {});
    await waitForChanges(tl, 2);
    logger.debug('after');
    expect(find('debug').map((r) => r.body)).toEqual(['during']);
    expect(changes(tl)).toEqual([
      'podlog level changed: info → debug (annotation podlog.dev/level)',
      'podlog level changed: debug → info (annotation podlog.dev/level removed)',
    ]);
  });

  it('the global annotation also reaches loggers with a level of their own', async () => {
    const tl = start();
    const quiet = tl.logger.child({}, { name: 'quiet', level: 'error' });
    writePodinfo(dir, LABELS, { 'podlog.dev/level': 'debug' });
    await waitForChanges(tl, 1);
    quiet.debug('now shown');
    expect(tl.find('debug').map((r) => r.scope)).toEqual(['quiet']);
  });

  it('podlog.dev/level.<name> wins over the global level; the most specific name wins', async () => {
    const tl = start();
    const { logger, find } = tl;
    const http = logger.child({}, { name: 'http' });
    const client = logger.child({}, { name: 'http.client' });
    const db = logger.child({}, { name: 'db' });
    writePodinfo(dir, LABELS, {
      'podlog.dev/level': 'debug',
      'podlog.dev/level.http': 'trace',
      'podlog.dev/level.http.client': 'warn',
      'podlog.dev/level.db': 'error',
    });
    await waitForChanges(tl, 4);
    for (const l of [logger, http, client, db]) {
      l.trace('t');
      l.debug('d');
      l.info('i');
      l.warn('w');
    }
    const seen = (scope: string) =>
      find()
        .filter((r) => r.scope === scope && !String(r.body).startsWith('podlog'))
        .map((r) => r.body);
    expect(seen('')).toEqual(['d', 'i', 'w']);
    expect(seen('http')).toEqual(['t', 'd', 'i', 'w']);
    expect(seen('http.client')).toEqual(['w']);
    expect(seen('db')).toEqual([]);
    expect(changes(tl)).toEqual([
      'podlog level changed: info → debug (annotation podlog.dev/level)',
      'podlog level changed: info → error (annotation podlog.dev/level.db)',
      'podlog level changed: info → trace (annotation podlog.dev/level.http)',
      'podlog level changed: info → warn (annotation podlog.dev/level.http.client)',
    ]);

    // Removing only the named annotation hands http back to the global one.
    writePodinfo(dir, LABELS, { 'podlog.dev/level': 'debug' });
    await until(() => http.level === 'debug', 'http back on the global level');
    expect(changes(tl)).toContain(
      'podlog level changed: trace → debug (annotation podlog.dev/level.http removed)',
    );
  });

  it('annotations present at start apply at once; removal returns to PODLOG_LEVEL entries', async () => {
    const tl = start({ 'podlog.dev/level.http': 'trace' }, { PODLOG_LEVEL: 'warn,http=info' });
    const http = tl.logger.child({}, { name: 'http' });
    expect(http.level).toBe('trace');
    expect(tl.logger.level).toBe('warn');
    expect(changes(tl)).toEqual(['podlog level changed: info → trace (annotation podlog.dev/level.http)']);
    writePodinfo(dir, LABELS, {});
    await waitForChanges(tl, 2);
    expect(http.level).toBe('info');
    expect(tl.logger.level).toBe('warn');
  });

  it('an annotation wins over setLevel for the same name while present', async () => {
    const tl = start();
    const http = tl.logger.child({}, { name: 'http' });
    tl.logger.setLevel('warn', { logger: 'http' });
    writePodinfo(dir, LABELS, { 'podlog.dev/level.http': 'debug' });
    await until(() => http.level === 'debug', 'the annotation applied');
    tl.logger.setLevel('error', { logger: 'http' });
    expect(http.level).toBe('debug');
    writePodinfo(dir, LABELS, {});
    await until(() => http.level === 'error', 'the annotation removed');
  });

  it('an invalid value is ignored with one diagnostic line naming the annotation and the accepted values', async () => {
    const tl = start({ 'podlog.dev/level': 'loud', 'podlog.dev/level.': 'debug' });
    expect(tl.logger.level).toBe('info');
    expect(diag).toEqual([
      'ignored annotation podlog.dev/level="loud": expected one of trace, debug, info, warn, error, fatal, silent',
      'ignored annotation podlog.dev/level.="debug": expected podlog.dev/level or podlog.dev/level.<logger-name>',
    ]);
    // Other volume changes re-read the same invalid value: no second line.
    writePodinfo(
      dir,
      { ...LABELS, track: 'canary' },
      { 'podlog.dev/level': 'loud', 'podlog.dev/level.': 'debug' },
    );
    writePodinfo(dir, { ...LABELS, track: 'canary' }, { 'podlog.dev/level': 'DEBUG' });
    await waitForChanges(tl, 1);
    expect(diag).toHaveLength(2);
    expect(tl.logger.level).toBe('debug');
    expect(changes(tl)).toEqual(['podlog level changed: info → debug (annotation podlog.dev/level)']);
  });
});
