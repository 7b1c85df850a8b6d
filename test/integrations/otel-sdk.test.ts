/**
 * podlog beside the real OpenTelemetry SDK (NodeSDK 0.223): one pipeline, one resource, every
 * record once, in both setup orders. NodeSDK registers process-wide globals, so each case runs
 * in its own child process against a real receiver on 127.0.0.1.
 */
import type { DecodedLogsRequest } from 'podlog/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';
import { runTs } from '../helpers/run-ts.js';

/**
 * The children run with warnings hidden on stderr (as under NODE_NO_WARNINGS=1 in CI) and no
 * OTEL_LOG_LEVEL: the fixtures report warnings and OTel diagnostics on stdout
 * (fixtures/report-warnings.ts), so what the tests see does not depend on this process's env.
 */
const QUIET_STDERR = { NODE_NO_WARNINGS: '1', OTEL_LOG_LEVEL: '', OTEL_LOGS_EXPORTER: '' };

/** The `WARNING …` and `OTEL_DIAG …` lines of a child's stdout: none is expected (podlog does not read the SDK resource's attributes before its async detectors settle). */
const reported = (stdout = '') => stdout.split('\n').filter((l) => /^(WARNING|OTEL_DIAG) /.test(l));

describe('PodlogLogRecordProcessor with NodeSDK', () => {
  let receiver: RunningReceiver;
  let requests: DecodedLogsRequest[];
  beforeEach(async () => {
    requests = [];
    receiver = await startReceiver({ port: 0, write: null, onRequest: (r) => requests.push(r) });
  });
  afterEach(async () => {
    await receiver.close();
  });

  for (const order of ['processor-first', 'register-first']) {
    it(`${order}: facade, pino bridge and Logs API records arrive once, with one resource and the span's ids`, async () => {
      const run = await runTs(['test/integrations/fixtures/otel-sdk-app.ts'], {
        env: { ORDER: order, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint, ...QUIET_STDERR },
        timeoutMs: 60_000,
      });
      expect(run.code, run.stderr).toBe(0);
      // No process warning (PODLOG_OTEL_PROVIDER_EXISTS among them) and no OTel diagnostic
      // (a duplicate registration) until the fixture raises one of each on purpose.
      const [setup, control] = run.stdout.split(/^CONTROL$/m);
      expect(reported(setup)).toEqual([]);
      expect(reported(control)).toEqual([
        expect.stringMatching(/^OTEL_DIAG error .*duplicate registration of API: metrics/),
        'WARNING PODLOG_TEST_CONTROL control warning',
      ]);
      const ids = JSON.parse(/^IDS (.*)$/m.exec(run.stdout)?.[1] ?? 'null') as {
        traceId: string;
        spanId: string;
      };
      const stats = JSON.parse(/^STATS (.*)$/m.exec(run.stdout)?.[1] ?? 'null');
      expect(receiver.records.map((r) => [r.scope, r.severityNumber, r.body]).sort()).toEqual(
        [
          ['@opentelemetry/instrumentation-pino', 5, 'pino debug record'],
          ['payments-lib', 13, 'logs api record'],
          ['', 9, 'facade record'],
        ].sort(),
      );
      expect(stats).toMatchObject({ accepted: 3, exported: 3, dropped: { total: 0 } });
      // The processor turned on podlog's SDK metrics through NodeSDK's MeterProvider.
      expect(run.stdout).toMatch(/^METRIC exported 3 stats 3$/m);
      for (const r of receiver.records) {
        expect(r.traceId).toBe(ids.traceId);
        expect(r.spanId).toBe(ids.spanId);
        expect(r.resource).toEqual(receiver.records[0].resource);
      }
      expect(receiver.records[0].resource).toMatchObject({
        'service.name': 'checkout',
        'service.version': '2.4.1',
        'deployment.environment.name': 'staging',
        'telemetry.sdk.name': 'podlog',
      });
      // One ResourceLogs per request: the resource is encoded once and shared.
      for (const req of requests) expect(req.resourceLogs).toHaveLength(1);
      const lib = requests
        .flatMap((q) => q.resourceLogs.flatMap((rl) => rl.scopeLogs))
        .find((sl) => sl.scope.name === 'payments-lib');
      expect(lib).toMatchObject({
        scope: { name: 'payments-lib', version: '1.0.0', attributes: { team: 'pay' } },
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      });
    }, 90_000);
  }
});

describe('registerGlobalLoggerProvider after NodeSDK registered its own provider', () => {
  for (const [mode, says] of [
    ['default', /already registered \(NodeSDK registers its own: OTEL_LOGS_EXPORTER defaults to otlp\)/],
    ['empty', /has no log record processor: .* go nowhere/],
  ] as const) {
    it(`${mode}: warns with the fix`, async () => {
      const run = await runTs(['test/integrations/fixtures/otel-sdk-conflict.ts'], {
        env: {
          MODE: mode,
          OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://127.0.0.1:9/v1/logs',
          ...QUIET_STDERR,
        },
        timeoutMs: 60_000,
      });
      expect(run.code, run.stderr).toBe(0);
      // One per call (two calls): each names what happens to the records and the fix; nothing else.
      const warnings = reported(run.stdout);
      expect(warnings).toHaveLength(2);
      for (const w of warnings) expect(w).toMatch(/^WARNING PODLOG_OTEL_PROVIDER_EXISTS /);
      expect(warnings[0]).toMatch(says);
      expect(warnings[0]).toMatch(
        /new NodeSDK\(\{ logRecordProcessors: \[new PodlogLogRecordProcessor\(log\)\] \}\)/,
      );
      expect(warnings[0]).toMatch(/OTEL_LOGS_EXPORTER=none/);
    }, 90_000);
  }
});
