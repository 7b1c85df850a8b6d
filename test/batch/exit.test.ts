/**
 * Real child processes: what happens to the tail of the logs when the process ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadEndpoint, startReceiver, type TestReceiver } from '../helpers/receiver.js';

const CHILD = fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url));

function run(env: Record<string, string>): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function indices(receiver: TestReceiver): number[] {
  return receiver
    .records()
    .map((r) => Number(r.attributes.i))
    .sort((a, b) => a - b);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('exit handling in a real child process', () => {
  let receiver: TestReceiver;
  let spoolDir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    spoolDir = mkdtempSync(join(tmpdir(), 'podlog-exit-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('SIGTERM: delivers everything, then the process ends by the signal as it would without podlog', async () => {
    const { child, done } = run({ ENDPOINT: receiver.endpoint, N: '5000', MODE: 'sigterm' });
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (d) => String(d).includes('ready') && resolve()),
    );
    child.kill('SIGTERM');
    const result = await done;
    expect(result.signal).toBe('SIGTERM');
    expect(indices(receiver)).toEqual(range(5000));
  });

  it('SIGTERM with shutdownTimeoutMs at its cap (2^31-1 ms): no timer overflows (it would fire at once)', async () => {
    const { child, done } = run({
      ENDPOINT: receiver.endpoint,
      N: '200',
      MODE: 'sigterm',
      SHUTDOWN_TIMEOUT_MS: String(2 ** 31 - 1),
    });
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (d) => String(d).includes('ready') && resolve()),
    );
    child.kill('SIGTERM');
    const result = await done;
    expect(result.signal).toBe('SIGTERM');
    expect(result.stderr).not.toContain('TimeoutOverflowWarning');
    expect(indices(receiver)).toEqual(range(200));
  });

  for (const mode of ['exit', 'throw'] as const) {
    it(`${mode === 'exit' ? 'process.exit(0)' : 'a fatal exception'}: memory goes to the spool and arrives after a restart`, async () => {
      const first = await run({ ENDPOINT: await deadEndpoint(), N: '3000', MODE: mode, SPOOL_DIR: spoolDir })
        .done;
      expect(first.code).toBe(mode === 'exit' ? 0 : 1);
      expect(receiver.records()).toHaveLength(0);
      const second = await run({ ENDPOINT: receiver.endpoint, MODE: 'replay', SPOOL_DIR: spoolDir }).done;
      expect(second.code).toBe(0);
      const stats = JSON.parse(second.stdout.trim().split('\n').pop()!);
      expect(stats.recovered).toBe(3000);
      expect(stats.exported).toBe(3000);
      expect(indices(receiver)).toEqual(range(3000));
    });
  }
});
