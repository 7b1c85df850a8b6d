/**
 * A misspelled option must fail at createLogger, not be ignored: every options group and the
 * top level refuse keys they do not know, and suggest the closest known one.
 */
import { describe, expect, it } from 'vitest';
import { ALL_LOGGER_OPTION_KEYS, editDistance, suggest } from '../../src/config/index.js';
import { UnknownOptionError } from '../../src/errors.js';
import { createTestLogger } from '../../src/testing/index.js';
import { invalid, resolve } from './helpers.js';

type Row = [options: Record<string, unknown>, option: string, suggestion: string | undefined];

const rows: Row[] = [
  [{ endpont: 'http://c:4318/v1/logs' }, 'endpont', 'endpoint'],
  [{ serviceNme: 'x' }, 'serviceNme', 'serviceName'],
  [{ diagnostic: false }, 'diagnostic', 'diagnostics'],
  [{ shutdownTimeout: 5 }, 'shutdownTimeout', 'shutdownTimeoutMs'],
  [{ Level: 'info' }, 'Level', 'level'],
  [{ colour: 'red' }, 'colour', undefined],
  [{ queue: { maxRecord: 5 } }, 'queue.maxRecord', 'queue.maxRecords'],
  [{ batch: { maxDelay: 5 } }, 'batch.maxDelay', 'batch.maxDelayMs'],
  [{ retry: { maxAttempt: 3 } }, 'retry.maxAttempt', 'retry.maxAttempts'],
  [{ retry: { intialDelayMs: 3 } }, 'retry.intialDelayMs', 'retry.initialDelayMs'],
  [{ tls: { rejectUnauthorised: false } }, 'tls.rejectUnauthorised', 'tls.rejectUnauthorized'],
  [{ limits: { maxDepht: 3 } }, 'limits.maxDepht', 'limits.maxDepth'],
  [{ redact: { key: ['a'] } }, 'redact.key', 'redact.keys'],
  [{ podinfo: { pollInterval: 500 } }, 'podinfo.pollInterval', 'podinfo.pollIntervalMs'],
  [
    { rateLimit: { perTemplate: { records: 1, intervalMs: 1 }, maxKey: 5 } },
    'rateLimit.maxKey',
    'rateLimit.maxKeys',
  ],
  [
    { rateLimit: { perTemplate: { record: 1, intervalMs: 1 } } },
    'rateLimit.perTemplate.record',
    'rateLimit.perTemplate.records',
  ],
  [{ spool: { dir: '/tmp/x', maxbytes: 1 } }, 'spool.maxbytes', 'spool.maxBytes'],
  [{ spool: { directory: '/tmp/x' } }, 'spool.directory', undefined],
];

describe('unknown option keys are refused with a suggestion', () => {
  it.each(rows)('%j → %s', (options, option, suggestion) => {
    const err = invalid(() => resolve(options));
    expect(err).toBeInstanceOf(UnknownOptionError);
    expect(err.option).toBe(option);
    expect((err as UnknownOptionError).suggestion).toBe(suggestion);
    expect(err.message).toContain(`invalid option ${option}: got an unknown option`);
    if (suggestion) expect(err.message).toContain(`(did you mean ${suggestion}?)`);
    else expect(err.message).not.toContain('did you mean');
    expect(err.message).toMatch(/; expected one of the (top-level options|options of [\w.]+): \w+/);
  });

  it('createTestLogger refuses them too', () => {
    expect(() => createTestLogger({ levl: 'info' } as never)).toThrow(/levl.*did you mean level\?/);
  });

  it('every option LoggerOptions declares is accepted, all at once', () => {
    const all: Record<string, unknown> = {
      name: 'n',
      level: 'debug',
      rateLimit: { perTemplate: { records: 5, intervalMs: 1000 }, exemptErrors: false, maxKeys: 10 },
      tail: {
        level: 'trace',
        releaseLevel: 'warn',
        maxRecords: 10,
        maxBytes: 4096,
        maxTotalRecords: 100,
        maxTotalBytes: 1 << 20,
        slowMs: 500,
      },
      sampling: { mode: 'trace', keepAtOrAbove: 'error' },
      serviceName: 'svc',
      resource: { 'deployment.environment': 'prod', replicas: 3, canary: false },
      batch: { maxRecords: 10, maxBytes: 2048, maxDelayMs: 5 },
      spool: { dir: '/tmp/podlog-never-created', maxBytes: 1 << 20, maxAgeMs: 60_000 },
      diagnostics: () => {},
      env: {},
      endpoint: 'http://127.0.0.1:4318/v1/logs',
      headers: { authorization: 'Bearer x', 'x-scope-orgid': 'tenant-1' },
      protocol: 'http/json',
      compression: 'gzip',
      timeoutMs: 1000,
      maxConcurrentRequests: 4,
      maxRequestBytes: 1 << 20,
      retry: { maxAttempts: 2, maxElapsedMs: 100, initialDelayMs: 1, maxDelayMs: 10, maxRetryAfterMs: 50 },
      tls: { rejectUnauthorized: true },
      proxy: false,
      dispatcher: undefined,
      podinfoDir: false,
      podinfo: {
        annotationAllow: ['a.io/*'],
        annotationDeny: [],
        maxFileBytes: 1024,
        maxValueLength: 10,
        pollIntervalMs: 1000,
        watch: false,
      },
      queue: { maxRecords: 100, maxBytes: 4096 },
      overflow: 'spool',
      concurrency: 1,
      handleExit: false,
      shutdownTimeoutMs: 100,
      limits: { maxDepth: 3, maxStringLength: 100, maxAttributes: 10 },
      redact: { keys: ['pin'], paths: ['a.b'], defaults: true, censor: '*' },
      stdout: false,
      serializers: { user: (u: { id: number }) => ({ id: u.id }) },
      mixin: () => ({ pod: 'p' }),
      msgPrefix: '[x] ',
      customLevels: { audit: 35 },
    };
    expect(Object.keys(all).sort()).toEqual([...ALL_LOGGER_OPTION_KEYS].sort());
    const config = resolve(all);
    expect(config.export.headers['x-scope-orgid']).toBe('tenant-1');
    expect(config.pipeline.overflow).toBe('spool');
  });
});

describe('suggest', () => {
  it.each([
    ['maxRecord', ['maxRecords', 'maxBytes'], 'maxRecords'],
    ['maxbytes', ['maxRecords', 'maxBytes'], 'maxBytes'],
    ['mxaBytes', ['maxRecords', 'maxBytes'], 'maxBytes'],
    ['dir', ['dir', 'maxBytes'], 'dir'],
    ['xyz', ['dir', 'maxBytes'], undefined],
    ['flush', ['level', 'name'], undefined],
  ])('%s among %j → %s', (word, known, expected) => {
    expect(suggest(word, known)).toBe(expected);
  });

  it('edit distance counts an adjacent swap as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
