import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';
import { runTs } from '../helpers/run-ts.js';

describe('podlog/register: a logger from the environment alone', () => {
  let receiver: RunningReceiver;
  beforeEach(async () => {
    receiver = await startReceiver({ port: 0, write: null });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('node --import podlog/register: getLogger() works, console is captured and still prints, records flush at exit', async () => {
    const run = await runTs(['--import', 'podlog/register', 'test/integrations/fixtures/console-app.ts'], {
      env: {
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint,
        OTEL_SERVICE_NAME: 'console-app',
        PODLOG_CAPTURE_CONSOLE: '1',
      },
    });
    expect(run.code).toBe(0);
    // Still printed as before.
    expect(run.stdout).toContain('hello from console { n: 1 }');
    expect(run.stderr).toContain('careful');
    expect(run.stderr).toMatch(/Error: boom\n\s+at /);
    const got = receiver.records.map((r) => [r.severityText, r.scope, r.body]);
    expect(got).toEqual([
      ['INFO', 'console', 'hello from console { n: 1 }'],
      ['WARN', 'console', 'careful'],
      ['ERROR', 'console', 'Error: boom'],
      ['INFO', '', 'direct record'],
    ]);
    expect(receiver.records[2].attributes['exception.message']).toBe('boom');
    expect(receiver.records[2].attributes['exception.stacktrace']).toMatch(/console-app\.ts/);
    expect(receiver.records[3].attributes).toMatchObject({ via: 'getLogger' });
    expect(receiver.records.every((r) => r.resource['service.name'] === 'console-app')).toBe(true);
  });

  it('without PODLOG_CAPTURE_CONSOLE the console is left alone', async () => {
    const run = await runTs(['--import', 'podlog/register', 'test/integrations/fixtures/console-app.ts'], {
      env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hello from console');
    expect(receiver.records.map((r) => r.body)).toEqual(['direct record']);
  });

  it('flushes on SIGTERM when it is the only handler, then exits by the signal', async () => {
    const run = await runTs(['--import', 'podlog/register', 'test/integrations/fixtures/sigterm-app.ts'], {
      env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint },
    });
    expect(run.signal).toBe('SIGTERM');
    expect(receiver.records.map((r) => r.body)).toEqual(['about to be terminated']);
  });
});
