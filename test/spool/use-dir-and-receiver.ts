/**
 * Per-test setup of the spool tests that run podlog in child processes: a fresh temp spool
 * directory and a running receiver. Kept out of helpers.ts, which the child-process fixtures
 * import (they must not load vitest).
 */
import { afterEach, beforeEach } from 'vitest';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { tempDir } from './helpers.js';

export interface DirAndReceiver {
  /** The current test's spool directory. */
  readonly dir: string;
  /** The current test's receiver. */
  readonly receiver: TestReceiver;
}

/** Call inside a `describe`: each of its tests gets both; after each, both are removed. */
export function useDirAndReceiver(): DirAndReceiver {
  let t: ReturnType<typeof tempDir> | undefined;
  let receiver: TestReceiver | undefined;
  beforeEach(async () => {
    t = tempDir();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver?.close();
    t?.cleanup();
    t = receiver = undefined;
  });
  const current = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useDirAndReceiver: used outside a test');
    return v;
  };
  return {
    get dir() {
      return current(t).dir;
    },
    get receiver() {
      return current(receiver);
    },
  };
}
