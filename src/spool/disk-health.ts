/**
 * Whether the disk currently takes writes. After a refusal (ENOSPC, EIO, ...) the spool leaves
 * the disk alone for `retryMs` instead of hammering it on every batch, and warns once per error
 * code until a write goes through again, so a full disk does not flood the diagnostics.
 */
import type { Diag } from '../diag.js';
import { errorCode } from './fs.js';

export class DiskHealth {
  private downUntil = 0;
  private readonly warned = new Set<string>();

  constructor(
    private readonly diag: Diag,
    private readonly now: () => number,
    private readonly retryMs: number,
  ) {}

  /** True while the disk is being left alone after a refusal. */
  isDown(): boolean {
    return this.now() < this.downUntil;
  }

  /** The disk refused `op`: pause writes, warn once for this error code. */
  refused(op: string, err: unknown): void {
    const code = errorCode(err);
    this.downUntil = this.now() + this.retryMs;
    if (this.warned.has(code)) return;
    this.warned.add(code);
    this.diag.warn(
      `spool-disk-${code}`,
      `spool: disk refused ${op} (${code}); retrying in ${this.retryMs} ms`,
    );
  }

  /** A write went through: say so once if we had warned, and re-arm the warnings. */
  wrote(): void {
    if (this.warned.size > 0) {
      this.warned.clear();
      this.diag.info('spool-disk', 'spool disk accepts writes again');
    }
  }
}
