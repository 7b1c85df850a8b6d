import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { encodeRequest } from '../../src/otlp/index.js';
import { encodeRecord, encodeResource, encodeScope } from '../../src/record/index.js';
import { runTs } from '../helpers/run-ts.js';
import { until } from '../helpers/wait.js';
import { protobufRequest } from './request-fixtures.js';

/** Starts `podlog receive` with `args` on a free port; resolves with its endpoint and output. */
async function receive(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'receive', '--port', '0', ...args],
    {
      cwd: new URL('../..', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stderr });
    rl.on('line', (line) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1\/logs)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.on('close', () => reject(new Error('receiver exited before listening')));
  });
  let stdout = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  return { child, exited, endpoint, stdout: () => stdout };
}

describe('the podlog command', () => {
  it('podlog receive --json prints each received record as an NDJSON line; SIGTERM stops it', async () => {
    const r = await receive(['--json']);
    try {
      const res = await fetch(r.endpoint, {
        method: 'POST',
        body: protobufRequest(),
        headers: { 'content-type': 'application/x-protobuf' },
      });
      expect(res.status).toBe(200);
      const lines = () =>
        r
          .stdout()
          .split('\n')
          .filter((l) => l.length > 0);
      await until(() => lines().length >= 2, 'two NDJSON lines');
      const got = lines().map((l) => JSON.parse(l));
      expect(got).toHaveLength(2);
      expect(got[0]).toMatchObject({ severity: 'INFO', service: 'checkout', body: 'order placed' });
      expect(got[1]).toMatchObject({ severity: 'ERROR', eventName: 'payment.failed' });
    } finally {
      r.child.kill('SIGTERM');
    }
    expect(await r.exited).toBe(0);
  });

  it('rejects a bad port and an unknown command with exit code 2 and a usage hint', async () => {
    const badPort = await runTs(['src/cli/main.ts', 'receive', '--port', '70000']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port must be 0\.\.65535, got 70000/);
    const unknown = await runTs(['src/cli/main.ts', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"[\s\S]*podlog receive/);
    const help = await runTs(['src/cli/main.ts', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage:/);
  });

  it('podlog receive --resource: escapes control characters, prints the resource once in full and on every record', async () => {
    const r = await receive(['--resource']);
    try {
      const bytes = encodeRecord({
        timeUnixNano: 1_700_000_000_000_000_000n,
        observedTimeUnixNano: 1_700_000_000_000_000_000n,
        severityNumber: 9,
        severityText: 'INFO',
        body: 'ok\x1b[2J\r\nINFO forged\u202e',
        fields: { 'k\x1b': 'v\x9b' },
      });
      const body = encodeRequest([
        {
          bytes,
          scope: encodeScope('orders'),
          resource: encodeResource({ 'service.name': 'checkout', 'host.name': 'node\x07-1' }),
        },
      ]);
      const res = await fetch(r.endpoint, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-protobuf' },
      });
      expect(res.status).toBe(200);
      await expect.poll(() => r.stdout().split('\n').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(7);
      expect(r.stdout()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(r.stdout().trimEnd().split('\n')).toEqual([
        'new resource checkout:',
        '    host.name="node\\u0007-1"',
        '    service.name="checkout"',
        'new scope orders of checkout',
        '2023-11-14T22:13:20.000Z INFO  checkout [orders] ok\\x1b[2J\\r\\nINFO forged\\u202e k\\x1b="v\\x9b"',
        '    resource: host.name="node\\u0007-1" service.name="checkout"',
      ]);
    } finally {
      r.child.kill('SIGTERM');
    }
    expect(await r.exited).toBe(0);
  });
});
