/**
 * `podlog spool replay <dir> --endpoint URL`: sends a spool's batches to a backend, oldest
 * first, with a progress line. Takes the directory's lock, so it refuses while the app that
 * owns the spool is running (that app replays by itself).
 */
import { createDiag } from '../diag.js';
import { nodeSpoolFs } from '../spool/fs.js';
import { openSpool } from '../spool/index.js';
import { inspectSpool } from '../spool/inspect.js';
import { tryLock } from '../spool/lock.js';
import { resolveSpoolOptions } from '../spool/options.js';
import { createReplayPacer } from '../spool/pacer.js';
import { Counters } from '../stats.js';

export interface ReplayArgs {
  dir: string;
  endpoint: string;
  headers: Record<string, string>;
  requestsPerSecond: number;
  bytesPerSecond: number;
  /** Give up on a batch after this many failed attempts (it stays in the spool). */
  maxAttempts: number;
  progress: (line: string, done: boolean) => void;
}

export async function spoolReplay(a: ReplayArgs): Promise<number> {
  const probe = tryLock(nodeSpoolFs, a.dir);
  if (!probe) {
    a.progress(`podlog spool replay: ${a.dir} is in use by a live process; it replays by itself`, true);
    return 1;
  }
  probe.release();
  const total = inspectSpool(a.dir).totals;
  const counters = new Counters();
  const cfg = resolveSpoolOptions({ dir: a.dir, durability: 'always' }, {})!;
  const spool = openSpool({ ...cfg, maxAgeMs: Number.MAX_SAFE_INTEGER, counters, diag: createDiag() });
  if (spool.dir !== a.dir) {
    await spool.close();
    a.progress(`podlog spool replay: ${a.dir} is in use by a live process; it replays by itself`, true);
    return 1;
  }
  await spool.whenRecovered();
  const pacer = createReplayPacer(a);
  let batches = 0;
  let records = 0;
  let bytes = 0;
  let refused = 0;
  const started = Date.now();
  const show = (done: boolean) => {
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    const ratio = total.pendingBatches ? Math.min(1, batches / total.pendingBatches) : 1;
    const bar = '#'.repeat(Math.round(ratio * 30)).padEnd(30, '.');
    a.progress(
      `[${bar}] ${batches}/${total.pendingBatches} batches, ${records} records, ` +
        `${(bytes / 1024 / 1024 / secs).toFixed(2)} MB/s${refused ? `, ${refused} quarantined` : ''}`,
      done,
    );
  };
  let failed = false;
  try {
    for (;;) {
      const batch = await spool.next();
      if (!batch) break;
      await pacer.wait(batch.body.length);
      let attempt = 0;
      for (;;) {
        attempt++;
        let status = 0;
        let retryAfter = 0;
        try {
          const res = await fetch(a.endpoint, {
            method: 'POST',
            headers: { ...a.headers, 'content-type': 'application/x-protobuf', 'podlog-batch-id': batch.id },
            body: batch.body,
          });
          status = res.status;
          retryAfter = Number(res.headers.get('retry-after')) || 0;
          await res.arrayBuffer();
        } catch {
          status = 0;
        }
        if (status >= 200 && status < 300) {
          await spool.ack(batch.id);
          batches++;
          records += batch.count;
          bytes += batch.body.length;
          break;
        }
        if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
          await spool.quarantine(batch.id, `HTTP ${status}`);
          refused++;
          batches++;
          break;
        }
        if (attempt >= a.maxAttempts) {
          spool.release(batch.id);
          a.progress(
            `podlog spool replay: ${a.endpoint} keeps failing (last status ${status || 'no answer'}); stopping`,
            true,
          );
          failed = true;
          break;
        }
        await new Promise((r) => setTimeout(r, Math.min(30_000, retryAfter * 1000 || 250 * 2 ** attempt)));
      }
      if (failed) break;
      show(false);
    }
  } finally {
    await spool.close();
  }
  show(true);
  return failed ? 1 : 0;
}
