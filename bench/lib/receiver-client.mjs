/**
 * Starts bench/receiver.mjs as a child process and drives it over IPC.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RECEIVER = fileURLToPath(new URL('../receiver.mjs', import.meta.url));

/**
 * @returns {Promise<{ endpoint: string, pid: number, reset(): Promise<void>,
 *   stats(): Promise<{ records: number, requests: number, rejected: number, malformed: number,
 *   bytes: number, firstAt: number | null, lastAt: number | null }>,
 *   setMode(mode: 'up' | '503' | 'refuse'): Promise<void>, close(): Promise<void> }>}
 */
export async function startReceiverProcess() {
  const child = fork(RECEIVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const pending = new Map();
  let nextId = 1;
  const port = await new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`bench receiver exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (msg) => {
      child.off('exit', onExit);
      resolve(msg.port);
    });
  });
  child.on('message', (msg) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error));
    else p.resolve(msg);
  });
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error('bench receiver exited'));
    pending.clear();
  });
  const call = (cmd, extra = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...extra });
    });
  return {
    endpoint: `http://127.0.0.1:${port}/v1/logs`,
    pid: child.pid,
    reset: async () => {
      await call('reset');
    },
    stats: () => call('stats'),
    setMode: async (mode) => {
      await call('mode', { mode });
    },
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
