/**
 * A production logger pointed at a wrong endpoint (a host that does not resolve, a port
 * nobody listens on) must not crash or throw at the first log call: it degrades to spooling,
 * says why in a diagnostic, and keeps the accounting invariant.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger/index.js';
import { until } from '../helpers/wait.js';
import { expectInvariant, tempSpoolDir } from './harness.js';

async function refusedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/v1/logs`;
}

describe('a misconfigured endpoint degrades to spooling with a diagnostic', () => {
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'an unresolvable host',
      async () => 'http://podlog-no-such-host.invalid:4318/v1/logs',
      /ENOTFOUND|EAI_AGAIN/,
    ],
    ['connection refused', refusedEndpoint, /ECONNREFUSED/],
  ];
  for (const [label, endpoint, cause] of cases) {
    it(label, async () => {
      const spool = tempSpoolDir();
      const diag: string[] = [];
      try {
        const log = createLogger({
          // As a production pod configures it: through env, no code changes.
          env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: await endpoint(), PODLOG_SPOOL_DIR: spool.dir },
          diagnostics: (line) => diag.push(line),
          handleExit: false,
          podinfoDir: false,
          retry: { maxAttempts: 2, maxElapsedMs: 200, initialDelayMs: 5, maxDelayMs: 10 },
          batch: { maxDelayMs: 5 },
        });
        expect(() => {
          for (let i = 0; i < 100; i++) log.info('checkout', { i });
        }).not.toThrow();
        await until(() => log.stats().spooled === 100, 'the records to be spooled', 15_000);
        await log.shutdown({ timeoutMs: 1000 });
        const s = log.stats();
        expectInvariant(s);
        expect(s.dropped.total).toBe(0);
        expect(s.spooled).toBe(100);
        expect(diag.some((l) => cause.test(l))).toBe(true);
      } finally {
        spool.cleanup();
      }
    });
  }
});
