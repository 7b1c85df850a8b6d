/**
 * Runs a TypeScript file in a child Node process from source (tsx, with the repo's tsconfig
 * paths, so `podlog/...` resolves to src/), and collects its output.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runTs(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<RunResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? ['--import', 'tsx']), ...args], {
      cwd: ROOT,
      env: { ...process.env, PODLOG_LEVEL: '', OTEL_SERVICE_NAME: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}
