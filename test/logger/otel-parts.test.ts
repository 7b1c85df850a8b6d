import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { OtelParts } from '../../src/logger/index.js';
import { encodeResource } from '../../src/record/index.js';

afterEach(() => diag.disable());

/** The SDK's diagnostics at every level, as lines. */
function captureDiag(): string[] {
  const lines: string[] = [];
  const put = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  const logger: DiagLogger = {
    error: put('error'),
    warn: put('warn'),
    info: put('info'),
    debug: put('debug'),
    verbose: put('verbose'),
  };
  diag.setLogger(logger, DiagLogLevel.ALL);
  return lines;
}

describe('OtelParts with an SDK resource whose async detectors are still running', () => {
  it('merges the settled attributes without reading `attributes`, shares one merge, and merges again once settled', async () => {
    const lines = captureDiag();
    let resolveHost: (id: string) => void = () => {};
    const hostId = new Promise<string>((resolve) => {
      resolveHost = resolve;
    });
    // The real SDK resource: `host.id` is an async detector's (a promise until it settles).
    const sdk = resourceFromAttributes({ 'service.name': 'checkout', 'host.id': hostId });
    expect(sdk.asyncAttributesPending).toBe(true);
    const base = encodeResource({ 'service.name': 'podlog-svc', 'k8s.pod.name': 'web-1' });
    const parts = new OtelParts(() => base);

    const early = parts.resource(sdk);
    expect(early.attributes).toEqual({ 'service.name': 'checkout', 'k8s.pod.name': 'web-1' });
    // The same object for every record of the window: requests group them under one resource.
    expect(parts.resource(sdk)).toBe(early);
    // The SDK says so when its attributes are read too early; podlog never did.
    expect(lines.filter((l) => l.includes('before async attributes settled'))).toEqual([]);

    resolveHost('3d1219c7');
    await sdk.waitForAsyncAttributes?.();
    const settled = parts.resource(sdk);
    expect(settled).not.toBe(early);
    expect(settled.attributes).toEqual({
      'service.name': 'checkout',
      'k8s.pod.name': 'web-1',
      'host.id': '3d1219c7',
    });
    expect(parts.resource(sdk)).toBe(settled);
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
