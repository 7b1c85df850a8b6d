/**
 * `podlog/pino/transport` in a real `pino.transport` worker thread, in a child process, against
 * a real receiver on 127.0.0.1. pino's worker imports its target as plain ESM (no tsx there), so
 * the target is built first, with tsup as `npm run build` does, into a temp dir (not the shared
 * dist/), node_modules symlinked so its dependencies resolve.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningReceiver, startReceiver } from '../../../src/testing/receiver.js';
import { ROOT, runTs } from '../../helpers/run-ts.js';

describe('podlog/pino/transport', () => {
  let receiver: RunningReceiver | undefined;
  let dir: string;
  let target: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'podlog-pino-transport-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    execFileSync(
      join(ROOT, 'node_modules/.bin/tsup'),
      [
        'src/integrations/pino/transport.ts',
        ...['--format', 'esm', '--target', 'node20', '--platform', 'node', '--no-config'],
        ...['--out-dir', join(dir, 'dist'), '--silent'],
        ...['--external', 'undici', '--external', 'protobufjs', '--external', '@opentelemetry/api'],
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    target = join(dir, 'dist', 'transport.js');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('ships every record from pino’s worker thread, with pino’s custom levels, errors and bindings', async () => {
    receiver = await startReceiver({ port: 0, write: null });
    const { records } = receiver;
    const N = 5000;
    const run = await runTs(['test/integrations/pino/fixtures/transport-app.ts'], {
      env: {
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint,
        RECORDS: String(N),
        PODLOG_PINO_TARGET: target,
      },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('done\n');
    const [starting, http, failed, traced, ...rest] = records;
    expect([starting.body, starting.severityNumber, starting.severityText]).toEqual(['starting', 5, 'debug']);
    expect([http.body, http.severityNumber, http.severityText]).toEqual(['request', 11, 'http']);
    expect(http.attributes).toEqual({ route: '/x' });
    expect(failed.attributes).toMatchObject({
      reqId: 'r-9',
      'exception.type': 'TypeError',
      'exception.message': 'boom',
    });
    expect([traced.traceId, traced.spanId, traced.flags]).toEqual([
      '4bf92f3577b34da6a3ce929d0e0e4736',
      '00f067aa0ba902b7',
      1,
    ]);
    expect(rest.map((r) => Number(r.attributes.i))).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(records.every((r) => r.resource['service.name'] === 'worker-app')).toBe(true);
  }, 30_000);
});
