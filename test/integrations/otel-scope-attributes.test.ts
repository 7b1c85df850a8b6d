/**
 * Scope attributes given through the Logs API (`getLogger(name, version, { attributes })`) are
 * the caller's objects: a throwing getter among them must not cost the records of that scope.
 */
import { PodlogLoggerProvider } from 'podlog/otel';
import { createTestLogger } from 'podlog/testing';
import { describe, expect, it } from 'vitest';
import { decodeProtobufRequest, encodeRequest } from '../../src/otlp/index.js';
import { encodeRecord, encodeResource, encodeScope } from '../../src/record/index.js';

describe('scope attributes with a throwing getter', () => {
  it('keeps the records of an OTel logger whose scope attributes have a throwing getter', () => {
    const diag: string[] = [];
    const { logger, records } = createTestLogger({ diagnostics: (line: string) => diag.push(line) });
    const attributes = {
      team: 'pay',
      get broken(): string {
        throw new Error('getter exploded');
      },
    };
    const otel = new PodlogLoggerProvider(logger).getLogger('lib', '1.0', { attributes });
    otel.emit({ body: 'first' });
    otel.emit({ body: 'second' });
    expect(records.map((r) => [r.body, r.scope, r.scopeVersion])).toEqual([
      ['first', 'lib', '1.0'],
      ['second', 'lib', '1.0'],
    ]);
    expect(diag).toEqual([]);
    expect(logger.stats().dropped.total).toBe(0);
  });

  it('keeps the records when the scope options are a revoked Proxy or throw on read', () => {
    const diag: string[] = [];
    const { logger, records } = createTestLogger({ diagnostics: (line: string) => diag.push(line) });
    const provider = new PodlogLoggerProvider(logger);
    const revoked = Proxy.revocable({ team: 'pay' }, {});
    revoked.revoke();
    const throwingOptions = {
      get schemaUrl(): string {
        throw new Error('getter exploded');
      },
      get attributes(): Record<string, string> {
        throw new Error('getter exploded');
      },
    };
    const a = provider.getLogger('a', '1.0', { attributes: revoked.proxy });
    const b = provider.getLogger('b', '1.0', throwingOptions);
    const c = provider.getLogger('c', '1.0', revoked.proxy as never);
    a.emit({ body: 'from a' });
    b.emit({ body: 'from b' });
    c.emit({ body: 'from c' });
    expect(records.map((r) => [r.body, r.scope])).toEqual([
      ['from a', 'a'],
      ['from b', 'b'],
      ['from c', 'c'],
    ]);
    expect(diag).toEqual([]);
    expect(logger.stats().dropped.total).toBe(0);
  });

  it('encodes such an attribute as "[Unserializable]" and keeps the others', () => {
    const scope = encodeScope('lib', '1.0', {
      attributes: {
        team: 'pay',
        get broken(): string {
          throw new Error('getter exploded');
        },
      },
    });
    const bytes = encodeRecord({
      severityNumber: 9,
      severityText: 'INFO',
      body: 'x',
      timeUnixNano: 1n,
      observedTimeUnixNano: 1n,
    });
    const request = decodeProtobufRequest(
      encodeRequest([{ bytes, scope, resource: encodeResource({ 'service.name': 'svc' }) }]),
    );
    expect(request.resourceLogs[0].scopeLogs[0].scope).toMatchObject({
      name: 'lib',
      version: '1.0',
      attributes: { team: 'pay', broken: '[Unserializable]' },
    });
  });
});
