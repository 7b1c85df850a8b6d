/**
 * Notices kubelet updates of the Downward API volume: `fs.watch` on the directory (the
 * `..data` rename is an event in it) plus a slow poll, because inotify is not delivered on
 * every filesystem and a watcher can die. Both only call `check`, which compares a cheap
 * signature before reading anything. Nothing here keeps the process alive.
 */
import type { FSWatcher } from 'node:fs';
import type { Diag } from '../diag.js';

// node:fs's CJS object: an ESM import evaluates fs.promises and the streams (docs/performance.md).
// `fs.watch` is read at the call, so a test can make it fail as a node out of inotify watches does.
const fs = process.getBuiltinModule('node:fs');

export interface PodinfoWatch {
  close(): void;
}

/** Bursts of events (new dir, temp link, rename, old dir removed) settle within this. */
const DEBOUNCE_MS = 25;

export function watchPodinfo(
  dir: string,
  pollIntervalMs: number,
  check: () => void,
  diag: Diag,
): PodinfoWatch {
  let closed = false;
  let pending: NodeJS.Timeout | undefined;
  const run = () => {
    pending = undefined;
    if (closed) return;
    try {
      check();
    } catch (err) {
      diag.warn('resource-podinfo-watch', `re-reading ${dir} failed: ${(err as Error)?.message}`);
    }
  };
  const schedule = () => {
    if (closed || pending) return;
    pending = setTimeout(run, DEBOUNCE_MS);
    pending.unref();
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = fs.watch(dir, { persistent: false }, schedule);
    watcher.on('error', () => {
      // The poll carries on alone.
      watcher?.close();
      watcher = undefined;
    });
  } catch (err) {
    diag.info(
      'resource-podinfo-watch',
      `cannot watch ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'}); polling every ${pollIntervalMs} ms`,
    );
  }
  const poll = setInterval(schedule, pollIntervalMs);
  poll.unref();

  return {
    close() {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      if (pending) clearTimeout(pending);
      watcher?.close();
      watcher = undefined;
    },
  };
}
