import { describe, expect, it } from 'vitest';
import { decodeLogRecord } from '../../src/otlp/index.js';
import {
  DEFAULT_REDACT_KEYS,
  DEFAULT_VALUE_LIMITS,
  encodeBindings,
  encodeRecord,
  Redactor,
  splitPath,
  splitWords,
} from '../../src/record/index.js';

function encode(fields: Record<string, unknown>, redactor: Redactor, exception?: Error) {
  const bytes = encodeRecord(
    {
      timeUnixNano: 1n,
      observedTimeUnixNano: 1n,
      severityNumber: 9,
      severityText: 'INFO',
      fields,
      exception,
    },
    DEFAULT_VALUE_LIMITS,
    redactor,
  );
  return decodeLogRecord(bytes, { ints: 'number' }).attributes;
}

const defaults = new Redactor({ defaults: true, keys: [], paths: [] });

describe('default redaction', () => {
  it('redacts every default key, case-insensitively, at any depth', () => {
    for (const key of DEFAULT_REDACT_KEYS) {
      for (const variant of [key, key.toUpperCase(), key[0].toUpperCase() + key.slice(1)]) {
        const attrs = encode({ [variant]: 's3cr3t', deep: { a: [{ [variant]: 's3cr3t' }] } }, defaults);
        expect(attrs[variant], variant).toBe('[REDACTED]');
        expect(attrs.deep, variant).toEqual({ a: [{ [variant]: '[REDACTED]' }] });
      }
    }
  });

  it('matches compound keys by word and leaves look-alikes alone', () => {
    for (const k of [
      'db_password',
      'clientSecret',
      'x-api-key',
      'apiKey',
      'privateKey',
      'accessToken',
      'Set-Cookie',
      'proxy-authorization',
    ]) {
      expect(defaults.matchesKey(k), k).toBe(true);
    }
    for (const k of [
      'tokenizer',
      'max_tokens',
      'secretary',
      'user',
      'key',
      'cookies_enabled_count',
      'passage',
    ]) {
      expect(defaults.matchesKey(k), k).toBe(false);
    }
  });

  it('redacts whole values (objects too), in Maps, bindings and own props of errors', () => {
    const err = Object.assign(new Error('x'), { token: 't' });
    const attrs = encode(
      { headers: new Map([['Authorization', 'Bearer x']]), secret: { nested: 'obj' } },
      defaults,
      err,
    );
    expect(attrs.headers).toEqual({ Authorization: '[REDACTED]' });
    expect(attrs.secret).toBe('[REDACTED]');
    expect(attrs['exception.token']).toBe('[REDACTED]');
    const b = encodeBindings({ password: 'p', user: 'u' }, undefined, DEFAULT_VALUE_LIMITS, defaults);
    const bytes = encodeRecord({
      timeUnixNano: 1n,
      observedTimeUnixNano: 1n,
      severityNumber: 9,
      severityText: 'INFO',
      bindings: b,
    });
    expect(decodeLogRecord(bytes).attributes).toEqual({ password: '[REDACTED]', user: 'u' });
  });

  it('can be turned off', () => {
    const off = new Redactor({ defaults: false, keys: [], paths: [] });
    expect(encode({ password: 'p' }, off)).toEqual({ password: 'p' });
  });
});

describe('user rules', () => {
  it('adds whole keys (case-insensitive) and dotted paths with * wildcards', () => {
    const r = new Redactor({
      defaults: false,
      keys: ['SSN'],
      paths: ['req.headers.x-tenant-key', 'users.*.email', 'attributes["http.request.body"]'],
      censor: '***',
    });
    const attrs = encode(
      {
        ssn: '1',
        nested: { Ssn: '2', ssnx: 'kept' },
        req: { headers: { 'X-Tenant-Key': 'k', other: 'kept' }, 'x-tenant-key': 'kept' },
        users: [{ email: 'a@b', name: 'a' }, { email: 'c@d' }],
        attributes: { 'http.request.body': 'b' },
        password: 'not redacted: defaults off',
      },
      r,
    );
    expect(attrs).toEqual({
      ssn: '***',
      nested: { Ssn: '***', ssnx: 'kept' },
      req: { headers: { 'X-Tenant-Key': '***', other: 'kept' }, 'x-tenant-key': 'kept' },
      users: [{ email: '***', name: 'a' }, { email: '***' }],
      attributes: { 'http.request.body': '***' },
      password: 'not redacted: defaults off',
    });
  });

  it('a path can target an array element or a top-level key', () => {
    const r = new Redactor({ defaults: false, keys: [], paths: ['list.1', 'top'] });
    expect(encode({ list: ['a', 'b', 'c'], top: { x: 1 } }, r)).toEqual({
      list: ['a', '[REDACTED]', 'c'],
      top: '[REDACTED]',
    });
  });
});

describe('helpers', () => {
  it('splits words and paths', () => {
    expect(splitWords('APIKey')).toEqual(['api', 'key']);
    expect(splitWords('x-api-key')).toEqual(['x', 'api', 'key']);
    expect(splitWords('accessToken')).toEqual(['access', 'token']);
    expect(splitPath('a.b["c.d"].e')).toEqual(['a', 'b', 'c.d', 'e']);
    expect(() => splitPath('a..b')).toThrow();
  });
});
