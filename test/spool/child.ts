/** Runs `fixtures/writer.ts` in a child process and follows its reports. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WRITER = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));

export interface Writer {
  child: ChildProcess;
  appended: number[];
  acked: string[];
  /** Ids the child was about to ack (`P id`), acked or not: a kill can land mid-ack. */
  acking: string[];
  dir: Promise<string>;
  /** Resolves once `n` appends were reported (or the child ended). */
  waitAppends(n: number): Promise<void>;
  /** Resolves when the child printed `line`. */
  waitLine(line: string): Promise<void>;
  exited: Promise<number | null>;
}

export function startWriter(
  dir: string,
  start: number,
  count: number,
  durability: string,
  mode: 'append' | 'mixed' | 'hold',
): Writer {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WRITER, dir, String(start), String(count), durability, mode],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const appended: number[] = [];
  const acked: string[] = [];
  const acking: string[] = [];
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  let resolveDir: (d: string) => void = () => {};
  const dirP = new Promise<string>((r) => {
    resolveDir = r;
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      if (line.startsWith('A ')) appended.push(Number(line.slice(2)));
      else if (line.startsWith('K ')) acked.push(line.slice(2));
      else if (line.startsWith('P ')) acking.push(line.slice(2));
      else if (line.startsWith('DIR ')) resolveDir(line.slice(4));
      nl = buf.indexOf('\n');
    }
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => {
    for (const w of waiters.splice(0)) w();
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const waitFor = (pred: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (pred() || ended) resolve();
        else waiters.push(check);
      };
      check();
    });
  return {
    child,
    appended,
    acked,
    acking,
    dir: dirP,
    waitAppends: (n) => waitFor(() => appended.length >= n),
    waitLine: (line) => waitFor(() => lines.includes(line)),
    exited,
  };
}
