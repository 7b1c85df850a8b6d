/**
 * An option error must never carry a credential: URLs are shown without user-info and query,
 * header values never, objects and functions by kind. Every case hides the same marker in a bad
 * option; the marker must appear nowhere in what the error exposes.
 */
import { describe, expect, it } from 'vitest';
import { everythingShown, invalid, resolve } from './helpers.js';

const SECRET = 'Zq7-s3cr3t-MARKER';

type Row = [label: string, options: Record<string, unknown>, env: Record<string, string>, option: string];

const rows: Row[] = [
  ['endpoint ftp with user-info', { endpoint: `ftp://user:${SECRET}@host/` }, {}, 'endpoint'],
  [
    'endpoint with a token in the query',
    { endpoint: `ftp://host/v1/logs?api_key=${SECRET}` },
    {},
    'endpoint',
  ],
  ['endpoint with a token in the fragment', { endpoint: `ws://host/#${SECRET}` }, {}, 'endpoint'],
  ['unparsable endpoint with user-info', { endpoint: `http://user:${SECRET}@bad host/` }, {}, 'endpoint'],
  [
    'unparsable endpoint with a slash in the password',
    { endpoint: `http://user:pa/${SECRET}@host:x/` },
    {},
    'endpoint',
  ],
  [
    'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT with user-info',
    {},
    { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `grpc://u:${SECRET}@collector:4317` },
    'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  ],
  [
    'OTEL_EXPORTER_OTLP_ENDPOINT with a query token',
    {},
    { OTEL_EXPORTER_OTLP_ENDPOINT: `collector:4318?token=${SECRET}` },
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ],
  ['socks5 proxy with user-info', { proxy: `socks5://user:${SECRET}@proxy:1080` }, {}, 'proxy'],
  ['scheme-less unparsable proxy with user-info', { proxy: `user:${SECRET}@bad proxy:3128` }, {}, 'proxy'],
  ['HTTP_PROXY with user-info', {}, { HTTP_PROXY: `socks://user:${SECRET}@proxy:1080` }, 'HTTP_PROXY'],
  [
    'https_proxy with user-info',
    { endpoint: 'https://c/v1/logs' },
    { https_proxy: `ftp://u:${SECRET}@p` },
    'https_proxy',
  ],
  ['headers value a number', { headers: { authorization: 424242 } }, {}, 'headers.authorization'],
  ['headers value an object', { headers: { authorization: { token: SECRET } } }, {}, 'headers.authorization'],
  ['headers value a function', { headers: { authorization: () => SECRET } }, {}, 'headers.authorization'],
  [
    'headers value with CR/LF',
    { headers: { authorization: `Bearer ${SECRET}\r\nx-injected: 1` } },
    {},
    'headers.authorization',
  ],
  [
    'env header value with an encoded line break',
    {},
    { OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${SECRET}%0D%0Ax: y` },
    'OTEL_EXPORTER_OTLP_HEADERS',
  ],
  [
    'env header list that does not parse',
    {},
    { OTEL_EXPORTER_OTLP_LOGS_HEADERS: `x-api-key=${SECRET},broken` },
    'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
  ],
  ['tls.key inline, not PEM', { tls: { cert: '-----BEGIN CERTIFICATE-----', key: SECRET } }, {}, 'tls.key'],
  ['resource value a function', { resource: { token: () => SECRET } }, {}, 'resource.token'],
  ['resource value an object', { resource: { nested: { token: SECRET } } }, {}, 'resource.nested'],
  ['diagnostics an object', { diagnostics: { token: SECRET } }, {}, 'diagnostics'],
  ['dispatcher a string-like object', { dispatcher: { url: SECRET } }, {}, 'dispatcher'],
];

describe('option errors never show a credential', () => {
  it.each(rows)('%s', (_label, options, env, option) => {
    const err = invalid(() => resolve(options, env));
    expect(err.option).toBe(option);
    expect(err.message).toContain(`invalid option ${option}`);
    expect(err.message).toMatch(/; expected .{3,}/);
    expect(everythingShown(err)).not.toContain(SECRET);
  });

  it('a URL keeps what locates it (scheme, host, path) and says the rest was left out', () => {
    const err = invalid(() =>
      resolve({ endpoint: `ftp://user:${SECRET}@collector:2121/v1/logs?k=${SECRET}` }),
    );
    expect(err.message).toContain('"ftp://collector:2121/v1/logs" (user-info and query not shown)');
    const proxy = invalid(() => resolve({ proxy: `socks5://user:${SECRET}@proxy:1080` }));
    expect(proxy.message).toContain('"socks5://proxy:1080"');
  });

  it('a bad header value is named by its header and kind only', () => {
    const err = invalid(() => resolve({ headers: { 'x-api-key': 12345 } }));
    expect(err.message).toBe(
      'podlog: invalid option headers.x-api-key: got a number (not shown); expected a string value for header x-api-key',
    );
  });

  it('values without credentials are still shown, so the error stays useful', () => {
    expect(invalid(() => resolve({ endpoint: 'ftp://collector/' })).message).toContain('"ftp://collector/"');
    expect(invalid(() => resolve({ level: 'loud' })).message).toContain('"loud"');
    expect(invalid(() => resolve({ concurrency: 1.5 })).message).toContain('got 1.5');
  });
});
