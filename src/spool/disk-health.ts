/**
 * Whether the disk currently takes writes. After a refusal (ENOSPC, EIO, ...) the spool leaves
 * the disk alone for `retryMs` instead of hammering it on every batch, and warns once per error
 * code until a write goes through again, so a full disk does not flood the diagnostics.
 *
 * Only the codes in `DISK_ERROR_CODES` are refusals. Anything else (a TypeError, ENOENT, EEXIST,
 * EBADF: a bug, or a state the spool does not expect) is reported as an error with its message,
 * so it is not mistaken for a full disk; it gets the same back-off, and is never thrown into the app.
 */
import type { Diag } from '../diag.js';
import { errorCode, isDiskRefusal } from './fs.js';

export class DiskHealth {
  readonly #diag: Diag;
  readonly #now: () => number;
  readonly #retryMs: number;
  #downUntil = 0;
  readonly #warned = new Set<string>();

  constructor(diag: Diag, now: () => number, retryMs: number) {
    this.#diag = diag;
    this.#now = now;
    this.#retryMs = retryMs;
  }

  /** True while the disk is being left alone after a refusal. */
  isDown(): boolean {
    return this.#now() < this.#downUntil;
  }

  /** `op` failed: pause writes; warn once per refusal code, or report an unexpected error. */
  refused(op: string, err: unknown): void {
    const code = errorCode(err);
    this.#downUntil = this.#now() + this.#retryMs;
    if (!isDiskRefusal(err)) {
      // Rate-limited per operation by the diag; the message carries no record contents.
      this.#diag.error(
        `spool-unexpected-${op}`,
        `spool: unexpected error in ${op} (${code}): ${describeError(err)}; retrying in ${this.#retryMs} ms`,
      );
      return;
    }
    if (this.#warned.has(code)) return;
    this.#warned.add(code);
    this.#diag.warn(
      `spool-disk-${code}`,
      `spool: disk refused ${op} (${code}); retrying in ${this.#retryMs} ms`,
    );
  }

  /** The cause of the refusals is gone (the directory was recreated): writes may go at once. */
  clear(): void {
    this.#downUntil = 0;
  }

  /** A write went through: say so once if we had warned, and re-arm the warnings. */
  wrote(): void {
    if (this.#warned.size > 0) {
      this.#warned.clear();
      this.#diag.info('spool-disk', 'spool disk accepts writes again');
    }
  }
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : typeof err;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
