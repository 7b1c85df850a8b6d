/**
 * Runs a TypeScript file in a child Node process from source (tsx, with the repo's tsconfig
 * paths, so `podlog/...` resolves to src/), and collects its output. The child is killed
 * (SIGKILL) at a bound, so a hang fails the test instead of stalling it.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository root: the child's working directory. */
export const ROOT = resolve(import.meta.dirname, '../..');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the child was killed at the bound (`timeoutMs`): it did not end by itself. */
  killed: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx ...args` (or `nodeArgs` instead of the tsx import); env has no PODLOG_LEVEL or OTEL_SERVICE_NAME unless given. */
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
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, killed, stdout, stderr });
    });
  });
}
