/**
 * podlog/winston beside @opentelemetry/instrumentation-winston: exactly one delivery per winston
 * call. Real NodeSDK, real instrumentation (it patches winston through require, so the app runs
 * in a child process), real receiver.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';
import { runTs } from '../helpers/run-ts.js';

describe('PodlogTransport with instrumentation-winston', () => {
  let receiver: RunningReceiver;
  beforeEach(async () => {
    receiver = await startReceiver({ port: 0, write: null });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('delivers each call once, whichever transport came first, and says what it did', async () => {
    const run = await runTs(['test/integrations/fixtures/winston-otel-app.ts'], {
      env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint },
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    // The instrumentation really is active: its transport sits beside podlog's on both loggers.
    expect(run.stdout).toMatch(
      /^TRANSPORTS PodlogTransport,OpenTelemetryTransportV3 \| OpenTelemetryTransportV3,PodlogTransport$/m,
    );
    const bodies = receiver.records.map((r) => r.body as string).sort();
    const expected = [0, 1, 2, 3, 4].flatMap((i) => [`first logger ${i}`, `second logger ${i}`]).sort();
    expect(bodies).toEqual(expected);
    expect(new Set(receiver.records.map((r) => r.scope))).toEqual(new Set(['']));
    for (const r of receiver.records) expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.stdout.match(/^WARNING PODLOG_WINSTON_OTEL_BRIDGE$/gm)).toHaveLength(1);
    const stats = JSON.parse(/^STATS (.*)$/m.exec(run.stdout)?.[1] ?? 'null');
    expect(stats).toMatchObject({ accepted: 10, exported: 10, dropped: { total: 0 } });
  }, 90_000);
});
