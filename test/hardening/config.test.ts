/**
 * Every option and env var of `createLogger`, table-driven: a bad value throws an
 * `InvalidOptionError` at `createLogger` that names the option (or env var) and says what is
 * accepted. The table follows src/config/options.ts and each stage's options.ts.
 */
import { describe, expect, it } from 'vitest';
import type { LoggerOptions } from '../../src/config/index.js';
import { InvalidOptionError, UnknownOptionError } from '../../src/errors.js';
import { createLogger } from '../../src/logger/index.js';

type Row = [label: string, options: Record<string, unknown>, env: Record<string, string>, option: string];

const rows: Row[] = [
  // top level (config/options.ts)
  ['name', { name: 42 }, {}, 'name'],
  ['level', { level: 'loud' }, {}, 'level'],
  ['PODLOG_LEVEL', {}, { PODLOG_LEVEL: 'loud' }, 'PODLOG_LEVEL'],
  ['serviceName', { serviceName: '' }, {}, 'serviceName'],
  // export (export/options.ts)
  ['endpoint scheme', { endpoint: 'ftp://collector:4318/v1/logs' }, {}, 'endpoint'],
  ['endpoint text', { endpoint: 'not a url' }, {}, 'endpoint'],
  ['endpoint type', { endpoint: 4318 }, {}, 'endpoint'],
  [
    'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
    {},
    { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'collector' },
    'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  ],
  [
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    {},
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://c:4317' },
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ],
  ['headers type', { headers: 'authorization=x' }, {}, 'headers'],
  ['headers value', { headers: { authorization: 5 } }, {}, 'headers.authorization'],
  ['OTEL_EXPORTER_OTLP_HEADERS', {}, { OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, 'OTEL_EXPORTER_OTLP_HEADERS'],
  [
    'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
    {},
    { OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'a=%zz' },
    'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
  ],
  ['protocol grpc', { protocol: 'grpc' }, {}, 'protocol'],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', {}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'xml' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
  [
    'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
    {},
    { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc' },
    'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
  ],
  ['compression', { compression: 'br' }, {}, 'compression'],
  [
    'OTEL_EXPORTER_OTLP_COMPRESSION',
    {},
    { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' },
    'OTEL_EXPORTER_OTLP_COMPRESSION',
  ],
  [
    'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION',
    {},
    { OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'x' },
    'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION',
  ],
  ['timeoutMs', { timeoutMs: 0 }, {}, 'timeoutMs'],
  ['OTEL_EXPORTER_OTLP_TIMEOUT', {}, { OTEL_EXPORTER_OTLP_TIMEOUT: '10s' }, 'OTEL_EXPORTER_OTLP_TIMEOUT'],
  [
    'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
    {},
    { OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '0' },
    'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
  ],
  ['maxConcurrentRequests', { maxConcurrentRequests: 0 }, {}, 'maxConcurrentRequests'],
  ['maxConcurrentRequests max', { maxConcurrentRequests: 65 }, {}, 'maxConcurrentRequests'],
  ['maxRequestBytes', { maxRequestBytes: 100 }, {}, 'maxRequestBytes'],
  ['retry', { retry: 3 }, {}, 'retry'],
  ['retry.maxAttempts', { retry: { maxAttempts: 0 } }, {}, 'retry.maxAttempts'],
  ['retry.maxElapsedMs', { retry: { maxElapsedMs: -1 } }, {}, 'retry.maxElapsedMs'],
  ['retry.initialDelayMs', { retry: { initialDelayMs: 1.5 } }, {}, 'retry.initialDelayMs'],
  ['retry.maxDelayMs', { retry: { initialDelayMs: 100, maxDelayMs: 10 } }, {}, 'retry.maxDelayMs'],
  ['retry.maxRetryAfterMs', { retry: { maxRetryAfterMs: '1s' } }, {}, 'retry.maxRetryAfterMs'],
  ['tls', { tls: 'strict' }, {}, 'tls'],
  ['tls.ca', { tls: { ca: '/nonexistent/ca.pem' } }, {}, 'tls.ca'],
  ['tls.cert without key', { tls: { cert: '-----BEGIN CERTIFICATE-----' } }, {}, 'tls.key'],
  ['tls.key without cert', { tls: { key: '-----BEGIN PRIVATE KEY-----' } }, {}, 'tls.cert'],
  ['tls.rejectUnauthorized', { tls: { rejectUnauthorized: 'no' } }, {}, 'tls.rejectUnauthorized'],
  [
    'OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE',
    {},
    { OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: '/nonexistent.pem' },
    'OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE',
  ],
  ['OTEL_EXPORTER_OTLP_CLIENT_KEY alone', {}, { OTEL_EXPORTER_OTLP_CLIENT_KEY: '/k.pem' }, 'tls.cert'],
  ['proxy', { proxy: 'socks://p:1080' }, {}, 'proxy'],
  ['HTTP_PROXY', {}, { HTTP_PROXY: 'not a url' }, 'HTTP_PROXY'],
  // batch stage (batch/options.ts)
  ['batch.maxRecords', { batch: { maxRecords: 0 } }, {}, 'batch.maxRecords'],
  ['batch.maxBytes', { batch: { maxBytes: 0 } }, {}, 'batch.maxBytes'],
  ['batch.maxDelayMs', { batch: { maxDelayMs: -1 } }, {}, 'batch.maxDelayMs'],
  [
    'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE',
    {},
    { OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: 'many' },
    'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE',
  ],
  ['OTEL_BLRP_SCHEDULE_DELAY', {}, { OTEL_BLRP_SCHEDULE_DELAY: '-5' }, 'OTEL_BLRP_SCHEDULE_DELAY'],
  ['queue', { queue: 5 }, {}, 'queue'],
  ['queue.maxRecords', { queue: { maxRecords: 0 } }, {}, 'queue.maxRecords'],
  ['queue.maxBytes', { queue: { maxBytes: 100 } }, {}, 'queue.maxBytes'],
  ['OTEL_BLRP_MAX_QUEUE_SIZE', {}, { OTEL_BLRP_MAX_QUEUE_SIZE: '0' }, 'OTEL_BLRP_MAX_QUEUE_SIZE'],
  ['overflow', { overflow: 'explode' }, {}, 'overflow'],
  ['overflow spool without a spool', { overflow: 'spool' }, {}, 'overflow'],
  ['concurrency', { concurrency: 0 }, {}, 'concurrency'],
  ['handleExit', { handleExit: 'yes' }, {}, 'handleExit'],
  ['shutdownTimeoutMs', { shutdownTimeoutMs: -1 }, {}, 'shutdownTimeoutMs'],
  // spool (spool/options.ts)
  ['spool', { spool: 'on' }, {}, 'spool'],
  ['spool unknown key', { spool: { dir: '/tmp/x', maxbytes: 1 } }, {}, 'spool.maxbytes'],
  ['spool.dir', { spool: { dir: ' ' } }, {}, 'spool.dir'],
  ['spool.maxBytes', { spool: { dir: '/tmp/x', maxBytes: 10 } }, {}, 'spool.maxBytes'],
  ['spool.maxAgeMs', { spool: { dir: '/tmp/x', maxAgeMs: 10 } }, {}, 'spool.maxAgeMs'],
  ['spool.durability', { spool: { dir: '/tmp/x', durability: 'sometimes' } }, {}, 'spool.durability'],
  ['spool.syncIntervalMs', { spool: { dir: '/tmp/x', syncIntervalMs: 0 } }, {}, 'spool.syncIntervalMs'],
  ['spool.segmentBytes', { spool: { dir: '/tmp/x', segmentBytes: 10 } }, {}, 'spool.segmentBytes'],
  ['spool.segmentAgeMs', { spool: { dir: '/tmp/x', segmentAgeMs: 0 } }, {}, 'spool.segmentAgeMs'],
  [
    'spool.requestsPerSecond',
    { spool: { dir: '/tmp/x', requestsPerSecond: 0 } },
    {},
    'spool.requestsPerSecond',
  ],
  ['spool.bytesPerSecond', { spool: { dir: '/tmp/x', bytesPerSecond: 0 } }, {}, 'spool.bytesPerSecond'],
  [
    'spool.quarantineMaxBytes',
    { spool: { dir: '/tmp/x', quarantineMaxBytes: -1 } },
    {},
    'spool.quarantineMaxBytes',
  ],
  // record (record/options.ts)
  ['limits', { limits: 5 }, {}, 'limits'],
  ['limits.maxDepth', { limits: { maxDepth: 65 } }, {}, 'limits.maxDepth'],
  ['limits.maxStringLength', { limits: { maxStringLength: 8 } }, {}, 'limits.maxStringLength'],
  ['limits.maxAttributes', { limits: { maxAttributes: 0 } }, {}, 'limits.maxAttributes'],
  ['redact', { redact: 'password' }, {}, 'redact'],
  ['redact entries', { redact: [''] }, {}, 'redact'],
  ['redact.keys', { redact: { keys: 'password' } }, {}, 'redact.keys'],
  ['redact.paths', { redact: { paths: [5] } }, {}, 'redact.paths'],
  ['redact.defaults', { redact: { defaults: 'no' } }, {}, 'redact.defaults'],
  ['redact.censor', { redact: { censor: 0 } }, {}, 'redact.censor'],
  ['stdout', { stdout: 'xml' }, {}, 'stdout'],
  ['PODLOG_STDOUT', {}, { PODLOG_STDOUT: 'xml' }, 'PODLOG_STDOUT'],
  // resource (resource/options.ts)
  ['podinfoDir', { podinfoDir: '' }, {}, 'podinfoDir'],
  ['podinfo', { podinfo: 5 }, {}, 'podinfo'],
  ['podinfo.watch', { podinfo: { watch: 'yes' } }, {}, 'podinfo.watch'],
  ['podinfo.annotationAllow', { podinfo: { annotationAllow: [''] } }, {}, 'podinfo.annotationAllow'],
  ['podinfo.annotationDeny', { podinfo: { annotationDeny: 'x' } }, {}, 'podinfo.annotationDeny'],
  ['podinfo.maxFileBytes', { podinfo: { maxFileBytes: 0 } }, {}, 'podinfo.maxFileBytes'],
  ['podinfo.maxValueLength', { podinfo: { maxValueLength: 0 } }, {}, 'podinfo.maxValueLength'],
  ['podinfo.pollIntervalMs', { podinfo: { pollIntervalMs: 10 } }, {}, 'podinfo.pollIntervalMs'],
];

/** What createLogger throws for `options` and `env` (no exit hooks, diagnostics or podinfo); undefined if it made a logger (shut down at once). */
function createLoggerError(options: Record<string, unknown>, env: Record<string, string>): unknown {
  try {
    const log = createLogger({
      env,
      handleExit: false,
      diagnostics: false,
      podinfoDir: false,
      ...options,
    } as LoggerOptions);
    void log.shutdown();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('every option and env var is validated at createLogger with a clear error', () => {
  it.each(rows)('%s', (_label, options, env, option) => {
    const thrown = createLoggerError(options, env);
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    const e = thrown as InvalidOptionError;
    // An unknown key has its own code (and class), still an InvalidOptionError.
    expect(e.code).toBe(e instanceof UnknownOptionError ? 'PODLOG_UNKNOWN_OPTION' : 'PODLOG_INVALID_OPTION');
    expect(e.option).toBe(option);
    expect(e.message).toContain(`invalid option ${option}`);
    expect(e.message).toMatch(/; expected .{3,}/);
    expect(e.message.length).toBeLessThan(400);
  });

  it('options that are not an object are refused', () => {
    expect(() => createLogger(5 as unknown as LoggerOptions)).toThrow(InvalidOptionError);
  });

  it('a bad value never leaks a secret into the error: header lists, client keys', () => {
    const secret = 's3cr3t-T0KEN-value';
    const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
      [{}, { OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${secret},broken` }],
      [{}, { OTEL_EXPORTER_OTLP_LOGS_HEADERS: `x-api-key=${secret}%zz` }],
      [{ tls: { cert: '-----BEGIN CERTIFICATE-----', key: secret } }, {}],
      [
        {},
        {
          OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: '-----BEGIN CERTIFICATE-----',
          OTEL_EXPORTER_OTLP_CLIENT_KEY: secret,
        },
      ],
    ];
    for (const [options, env] of cases) {
      const err = createLoggerError(options, env) as Error | undefined;
      const message = err ? `${err.message} ${err.stack}` : '';
      expect(message).toContain('invalid option');
      expect(message).not.toContain(secret);
    }
  });
});
