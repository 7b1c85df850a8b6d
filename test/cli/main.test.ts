import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { runTs } from '../integrations/spawn.js';
import { protobufRequest } from './request-fixtures.js';

describe('the podlog command', () => {
  it('podlog receive --json prints each received record as an NDJSON line; SIGTERM stops it', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'receive', '--port', '0', '--json'],
      {
        cwd: new URL('../..', import.meta.url),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stderr });
        rl.on('line', (line) => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1\/logs)/.exec(line);
          if (m) resolve(m[1]);
        });
        child.on('close', () => reject(new Error('receiver exited before listening')));
      });
      const lines = createInterface({ input: child.stdout });
      const got: unknown[] = [];
      const two = new Promise<void>((r) =>
        lines.on('line', (l) => {
          got.push(JSON.parse(l));
          if (got.length === 2) r();
        }),
      );
      const res = await fetch(endpoint, {
        method: 'POST',
        body: protobufRequest(),
        headers: { 'content-type': 'application/x-protobuf' },
      });
      expect(res.status).toBe(200);
      await two;
      expect(got[0]).toMatchObject({ severity: 'INFO', service: 'checkout', body: 'order placed' });
      expect(got[1]).toMatchObject({ severity: 'ERROR', eventName: 'payment.failed' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
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
});
