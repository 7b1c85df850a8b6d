/**
 * Starts an example as a child process (from source, through tsx) against a real receiver on
 * 127.0.0.1, and collects the records it sends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';
import type { TestRecord } from '../../src/testing/test-record.js';
import { ROOT } from '../helpers/run-ts.js';

export interface RunningExample {
  child: ChildProcess;
  receiver: RunningReceiver;
  records: TestRecord[];
  stdout: string[];
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** `preload`: modules run before `file` (`--import`, after tsx), e.g. an OpenTelemetry SDK setup. */
export async function startExample(
  file: string,
  env: Record<string, string> = {},
  preload: string[] = [],
): Promise<RunningExample> {
  const receiver = await startReceiver({ port: 0, write: null });
  const imports = preload.flatMap((m) => ['--import', m]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...imports, file], {
    cwd: ROOT,
    env: { ...process.env, PODLOG_LEVEL: '', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.endpoint, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stdout: string[] = [];
  const waiters: Array<[RegExp, (m: RegExpExecArray) => void]> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    stdout.push(line);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const m = waiters[i][0].exec(line);
      if (m) waiters.splice(i, 1)[0][1](m);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('close', (code, signal) => r({ code, signal })),
  );
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exited.then(() => clearTimeout(killTimer));
  return {
    child,
    receiver,
    records: receiver.records,
    stdout,
    exited,
    waitForLine(pattern) {
      for (const line of stdout) {
        const m = pattern.exec(line);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        waiters.push([pattern, resolve]);
        void exited.then(() => reject(new Error(`example exited before printing ${pattern}`)));
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await receiver.close();
    },
  };
}
