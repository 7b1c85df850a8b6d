/**
 * Values that would pass a type check and then misbehave long after start: millisecond options
 * past Node's timer limit (they fire after 1 ms), headers undici refuses (every export fails),
 * resource attributes that cannot be encoded, a `diagnostics: true` that loses every diagnostic,
 * `overflow: 'spool'` without a spool. All fail at createLogger.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../src/config/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import { createLogger } from '../../src/logger/index.js';
import { invalid, resolve } from './helpers.js';

const SPOOL = '/tmp/podlog-never-created';

/** [option path, options putting `v` there]. */
const msOptions: Array<[string, (v: number) => Record<string, unknown>]> = [
  ['shutdownTimeoutMs', (v) => ({ shutdownTimeoutMs: v })],
  ['batch.maxDelayMs', (v) => ({ batch: { maxDelayMs: v } })],
  ['timeoutMs', (v) => ({ timeoutMs: v })],
  ['retry.maxElapsedMs', (v) => ({ retry: { maxElapsedMs: v } })],
  ['retry.initialDelayMs', (v) => ({ retry: { initialDelayMs: v } })],
  ['retry.maxDelayMs', (v) => ({ retry: { maxDelayMs: v } })],
  ['retry.maxRetryAfterMs', (v) => ({ retry: { maxRetryAfterMs: v } })],
  ['spool.syncIntervalMs', (v) => ({ spool: { dir: SPOOL, syncIntervalMs: v } })],
  ['spool.segmentAgeMs', (v) => ({ spool: { dir: SPOOL, segmentAgeMs: v } })],
  ['spool.maxAgeMs', (v) => ({ spool: { dir: SPOOL, maxAgeMs: v } })],
  [
    'rateLimit.perTemplate.intervalMs',
    (v) => ({ rateLimit: { perTemplate: { records: 1, intervalMs: v } } }),
  ],
  ['podinfo.pollIntervalMs', (v) => ({ podinfo: { pollIntervalMs: v } })],
];

const msEnv = ['OTEL_BLRP_SCHEDULE_DELAY', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT'];

describe('millisecond options stop at Node timer limit', () => {
  it.each(msOptions)('%s: 2^31 - 1 is accepted, 2^31 and Infinity are not', (option, at) => {
    expect(() => resolve(at(MAX_TIMER_MS))).not.toThrow();
    for (const bad of [MAX_TIMER_MS + 1, Number.POSITIVE_INFINITY, 1e300]) {
      const err = invalid(() => resolve(at(bad)));
      expect(err.option).toBe(option);
      expect(err.message).toContain(`to ${MAX_TIMER_MS} (Node's timer limit`);
    }
  });

  it.each(msEnv)('env %s: the same limit', (name) => {
    expect(() => resolve({}, { [name]: String(MAX_TIMER_MS) })).not.toThrow();
    const err = invalid(() => resolve({}, { [name]: String(MAX_TIMER_MS + 1) }));
    expect(err.option).toBe(name);
    expect(err.message).toContain('"2147483648"');
    expect(err.message).toContain('whole number of milliseconds');
  });

  it('the resolved config carries the value as given', () => {
    expect(resolve({ shutdownTimeoutMs: MAX_TIMER_MS }).pipeline.shutdownTimeoutMs).toBe(MAX_TIMER_MS);
    expect(resolve({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '2500' }).export.timeoutMs).toBe(2500);
  });
});

describe('headers are checked at createLogger, naming only the header', () => {
  const bad: Array<[label: string, headers: Record<string, unknown>, option: string]> = [
    ['CR/LF in a value', { authorization: 'Bearer x\r\nx: y' }, 'headers.authorization'],
    ['LF in a value', { authorization: 'Bearer x\ny' }, 'headers.authorization'],
    ['NUL in a value', { authorization: 'Bearer x\0' }, 'headers.authorization'],
    ['a character above U+00FF', { 'x-name': 'Zoë 🚀' }, 'headers.x-name'],
    ['a space in a name', { 'x api key': 'k' }, 'headers.x api key'],
    ['a colon in a name', { 'x-key:': 'k' }, 'headers.x-key:'],
    ['a line break in a name', { 'x\r\ny': 'k' }, 'headers.x\r\ny'],
    ['an empty name', { '': 'k' }, 'headers.'],
    ['a header podlog sets', { 'Content-Type': 'text/plain' }, 'headers.Content-Type'],
    ['a hop-by-hop header', { 'transfer-encoding': 'chunked' }, 'headers.transfer-encoding'],
    ['a non-string value', { 'x-retries': 3 }, 'headers.x-retries'],
    ['an array of values', { 'x-a': ['1', '2'] }, 'headers.x-a'],
  ];
  it.each(bad)('option: %s', (_label, headers, option) => {
    const err = invalid(() => resolve({ headers }));
    expect(err.option).toBe(option);
    expect(err.message).not.toContain('Bearer');
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_HEADERS', 'authorization=Bearer%20x%0D%0Ax%3A%20y'],
    ['OTEL_EXPORTER_OTLP_LOGS_HEADERS', 'x%20api=k'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'x-key=a%00b'],
  ])('env %s=%s', (name, value) => {
    const err = invalid(() => resolve({}, { [name]: value }));
    expect(err.option).toBe(name);
    expect(err.message).not.toContain('Bearer');
  });

  it('a header name with a line break cannot break the message into lines', () => {
    const err = invalid(() => resolve({ headers: { 'x\r\nInjected: 1': 'k' } }));
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(err.message).toContain('invalid option "headers.x\\r\\nInjected: 1"');
  });

  it('the message names the header key and what a value may hold', () => {
    const err = invalid(() => resolve({}, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20x%0D%0A' }));
    expect(err.message).toContain('for header authorization without CR, LF, NUL');
  });

  it('ordinary headers pass: tokens, tabs, Latin-1', () => {
    const headers = {
      Authorization: 'Bearer a.b-c_d~e+f/g=',
      'X-Scope-OrgID': 'a\tb',
      'x-latin': 'caf\u00e9',
    };
    expect(resolve({ headers }).export.headers).toEqual(headers);
    expect(resolve({}, { OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b' }).export.headers).toEqual({
      'api-key': 'a b',
    });
  });
});

describe('resource', () => {
  it.each([
    ['abc', 'resource'],
    [42, 'resource'],
    [null, 'resource'],
    [['a'], 'resource'],
    [new Map([['a', 'b']]), 'resource'],
    [{ nested: { a: 1 } }, 'resource.nested'],
    [{ big: 1n }, 'resource.big'],
    [{ fn: () => 1 }, 'resource.fn'],
    [{ nothing: null }, 'resource.nothing'],
    [{ nan: Number.NaN }, 'resource.nan'],
    [{ inf: Number.POSITIVE_INFINITY }, 'resource.inf'],
    [{ list: ['a'] }, 'resource.list'],
    [{ '': 'x' }, 'resource'],
  ])('%o is refused naming %s', (resource, option) => {
    const err = invalid(() => resolve({ resource }));
    expect(err.option).toBe(option);
    expect(err.message).toMatch(
      /expected (an object of attribute|a string, a finite number or a boolean|non-empty)/,
    );
  });

  it('strings, finite numbers and booleans pass, frozen', () => {
    const config = resolve({
      resource: { 'deployment.environment': 'prod', replicas: 3, ratio: 0.5, canary: true },
    });
    expect(config.resource).toEqual({
      'deployment.environment': 'prod',
      replicas: 3,
      ratio: 0.5,
      canary: true,
    });
    expect(Object.isFrozen(config.resource)).toBe(true);
    expect(resolve({ resource: Object.create(null) }).resource).toEqual({});
    // An unset env var behind an attribute is skipped rather than refused.
    expect(resolve({ resource: { version: undefined, team: 'a' } }).resource).toEqual({ team: 'a' });
  });
});

describe('diagnostics', () => {
  it.each([true, 'stderr', 1, {}, null])('%o is refused', (diagnostics) => {
    const err = invalid(() => resolve({ diagnostics }));
    expect(err.option).toBe('diagnostics');
    expect(err.message).toContain('expected a function (line, level) => void, or false');
  });

  it('a function receives diagnostics; false and unset are accepted', () => {
    const lines: string[] = [];
    const log = createLogger({
      env: {},
      handleExit: false,
      podinfoDir: '/nonexistent-podinfo-dir',
      stdout: false,
      diagnostics: (line) => lines.push(line),
    });
    void log.shutdown({ timeoutMs: 10 });
    expect(lines.some((l) => l.includes('/nonexistent-podinfo-dir'))).toBe(true);
    expect(resolve({ diagnostics: false }).diagnostics).toBe(false);
    expect(resolve({}).diagnostics).toBeUndefined();
  });
});

describe("overflow 'spool' needs a spool, checked in config", () => {
  it('refused without spool.dir / PODLOG_SPOOL_DIR, with what to do', () => {
    const err = invalid(() => resolve({ overflow: 'spool' }));
    expect(err.option).toBe('overflow');
    expect(err.message).toContain('set spool.dir or PODLOG_SPOOL_DIR');
    expect(() => resolve({ overflow: 'spool', spool: false }, { PODLOG_SPOOL_DIR: SPOOL })).toThrow(
      InvalidOptionError,
    );
  });

  it('accepted with a spool from the option or the env', () => {
    expect(resolve({ overflow: 'spool', spool: { dir: SPOOL } }).pipeline.overflow).toBe('spool');
    expect(resolve({ overflow: 'spool' }, { PODLOG_SPOOL_DIR: SPOOL }).pipeline.overflow).toBe('spool');
  });
});

describe('PODLOG_CAPTURE_CONSOLE is resolved in config', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['1', true],
    ['true', true],
    [' YES ', true],
    ['on', true],
    ['0', false],
    ['off', false],
    ['False', false],
  ])('%j → %s', (value, expected) => {
    const env: Record<string, string> = value === undefined ? {} : { PODLOG_CAPTURE_CONSOLE: value };
    expect(resolve({}, env).captureConsole).toBe(expected);
  });

  it('anything else is refused naming the variable', () => {
    const err = invalid(() => resolve({}, { PODLOG_CAPTURE_CONSOLE: 'sometimes' }));
    expect(err.option).toBe('PODLOG_CAPTURE_CONSOLE');
    expect(err.message).toContain('expected 1, true, yes or on; or 0, false, no or off');
  });
});

describe('env option', () => {
  it.each(['PODLOG_LEVEL=debug', 5, ['a'], null])('%o is refused', (env) => {
    const err = invalid(() => resolve({ env }));
    expect(err.option).toBe('env');
  });
});
