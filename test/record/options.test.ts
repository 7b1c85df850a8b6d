import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import { resolveRecordOptions } from '../../src/record/index.js';

describe('record options', () => {
  it('defaults: depth 8, strings 16384, 128 attributes, default redaction', () => {
    const c = resolveRecordOptions({}, {}, true);
    expect(c.limits).toEqual({ maxDepth: 8, maxStringLength: 16384, maxAttributes: 128 });
    expect(c.redactor.matchesKey('password')).toBe(true);
    expect(c.stdout).toBe(false);
  });

  it('stdout defaults to json without an endpoint, off with one (option or env)', () => {
    expect(resolveConfig({ env: {} }).record.stdout).toBe('json');
    expect(resolveConfig({ env: {}, endpoint: 'http://127.0.0.1:4318/v1/logs' }).record.stdout).toBe(false);
    expect(resolveConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' } }).record.stdout).toBe(
      false,
    );
    expect(
      resolveConfig({ env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://c:4318/v1/logs' } }).record.stdout,
    ).toBe(false);
    expect(
      resolveConfig({ env: { PODLOG_STDOUT: 'pretty', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' } }).record
        .stdout,
    ).toBe('pretty');
    expect(resolveConfig({ env: { PODLOG_STDOUT: 'false' } }).record.stdout).toBe(false);
    expect(resolveConfig({ env: { PODLOG_STDOUT: 'json' }, stdout: false }).record.stdout).toBe(false);
  });

  it('redact shorthand: plain entries are keys, dotted ones paths; false turns it off', () => {
    const c = resolveRecordOptions({ redact: ['ssn', 'req.body.card'] }, {}, true);
    expect(c.redactor.matchesKey('SSN')).toBe(true);
    expect(c.redactor.matchesKey('password')).toBe(true);
    // The dotted entry is a path (req → body → card, ending there), not a key.
    const card = c.redactor.paths?.children.get('req')?.children.get('body')?.children.get('card');
    expect(card?.terminal).toBe(true);
    expect(c.redactor.paths?.children.has('req.body.card')).toBe(false);
    expect(c.redactor.matchesKey('card')).toBe(false);
    const off = resolveRecordOptions({ redact: false }, {}, true);
    expect(off.redactor.matchesKey('password')).toBe(false);
    expect(off.redactor.hasKeyRules).toBe(false);
    const noDefaults = resolveRecordOptions({ redact: { defaults: false, keys: ['x'] } }, {}, true);
    expect(noDefaults.redactor.matchesKey('password')).toBe(false);
    expect(noDefaults.redactor.matchesKey('X')).toBe(true);
  });

  it.each([
    [{ limits: { maxDepth: 0 } }, 'limits.maxDepth'],
    [{ limits: { maxDepth: 1.5 } }, 'limits.maxDepth'],
    [{ limits: { maxStringLength: 'big' } }, 'limits.maxStringLength'],
    [{ limits: { maxAttributes: 100_000 } }, 'limits.maxAttributes'],
    [{ limits: 5 }, 'limits'],
    [{ redact: 'password' }, 'redact'],
    [{ redact: [''] }, 'redact'],
    [{ redact: { keys: [1] } }, 'redact.keys'],
    [{ redact: { paths: ['a..b'] } }, 'redact.paths'],
    [{ redact: { defaults: 'no' } }, 'redact.defaults'],
    [{ redact: { censor: 0 } }, 'redact.censor'],
    [{ stdout: true }, 'stdout'],
    [{ stdout: 'yaml' }, 'stdout'],
  ])('rejects %j naming %s', (options, name) => {
    try {
      resolveConfig({ env: {}, ...(options as object) });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).option).toBe(name);
      expect((err as InvalidOptionError).code).toBe('PODLOG_INVALID_OPTION');
    }
  });

  it('rejects a bad PODLOG_STDOUT', () => {
    expect(() => resolveConfig({ env: { PODLOG_STDOUT: 'loud' } })).toThrow(/PODLOG_STDOUT/);
  });
});
