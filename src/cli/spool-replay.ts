/**
 * `podlog spool replay <dir> --endpoint URL`: sends a spool's batches to a backend, oldest
 * first, with a progress line. Takes the directory's lock, so it refuses while the app that
 * owns the spool is running (that app replays by itself).
 *
 * It is the app's own delivery path, not a copy of it: the real exporter (retries, backoff,
 * `Retry-After`, 413 split, partial success, TLS, proxy, user-info as Basic auth, masking) and
 * the real replayer (ack, quarantine of refusals, re-append of split parts). The only thing of
 * its own is when to stop: when the spool is empty, or at the first batch the exporter gives
 * back undelivered (it stays in the spool).
 */
import { spoolAccounting } from '../batch/drops.js';
import { Replayer, type ReplayerOptions } from '../batch/replay.js';
import { createDiag, type Diag } from '../diag.js';
import { InvalidOptionError } from '../errors.js';
import { displayUrl } from '../export/display-url.js';
import { HttpExporter } from '../export/http-exporter.js';
import { type ExportConfig, resolveExportOptions } from '../export/options.js';
import { nodeSpoolFs } from '../spool/disk.js';
import { openSpool } from '../spool/index.js';
import { inspectSpool } from '../spool/inspect.js';
import { tryLock } from '../spool/lock.js';
import { resolveSpoolOptions } from '../spool/options.js';
import { ReplayPacer } from '../spool/pacer.js';
import { Counters } from '../stats.js';

/** The flags of `podlog spool replay`, as parsed (spool.ts). */
interface ReplayFlags {
  endpoint?: string;
  header: string[];
  rps: string;
  bps: string;
  /** Attempts per batch (the exporter's `retry.maxAttempts`); a batch still failing stays spooled. */
  'max-attempts': string;
}

/** How long the replayer waits after a failed replay before it may try again. */
const RETRY_MS = 250;

/** A diagnostic line (the exporter's, the spool's, the replayer's: already masked). */
function say(line: string): void {
  process.stderr.write(`podlog spool replay: ${line}\n`);
}

/** The progress line, redrawn in place on a terminal; elsewhere only the last one (`done`). */
function progress(line: string, done: boolean): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${line}\n`);
}

export async function spoolReplay(dir: string, flags: ReplayFlags): Promise<number> {
  // Only the endpoint's presence: the exporter's options check the URL, as they do for an app.
  if (!flags.endpoint) return usage('--endpoint http(s)://host:port/v1/logs is required');
  const headers: Record<string, string> = {};
  for (const h of flags.header) {
    const eq = h.indexOf('=');
    if (eq <= 0) return usage(`--header must be name=value, got ${JSON.stringify(h)}`);
    headers[h.slice(0, eq).trim()] = h.slice(eq + 1).trim();
  }
  const [requestsPerSecond, bytesPerSecond, maxAttempts] = [flags.rps, flags.bps, flags['max-attempts']].map(
    Number,
  );
  if (![requestsPerSecond, bytesPerSecond, maxAttempts].every((n) => Number.isFinite(n) && n > 0)) {
    return usage('--rps, --bps and --max-attempts must be positive numbers');
  }
  let config: ExportConfig;
  try {
    const retry = { maxAttempts: Math.floor(maxAttempts) };
    config = resolveExportOptions({ endpoint: flags.endpoint, headers, retry }, process.env);
  } catch (err) {
    // InvalidOptionError shows a URL without its user-info and query.
    if (!(err instanceof InvalidOptionError)) throw err;
    return usage(err.message.replace(/^podlog: /, ''));
  }
  const busy = `podlog spool replay: ${dir} is in use by a live process; it replays by itself`;
  const probe = tryLock(nodeSpoolFs, dir);
  if (!probe) {
    progress(busy, true);
    return 1;
  }
  probe.release();
  const startBatches = inspectSpool(dir).totals.pendingBatches;
  // Every line goes through one diag (rate-limited per cause, like the app's), prefixed.
  const diag: Diag = createDiag({ sink: say, intervalMs: 5_000 });
  const counters = new Counters();
  const spoolConfig = resolveSpoolOptions({ dir, durability: 'always' }, {})!;
  // The tool replays whatever is there, however old: expiry is the app's policy, not the tool's.
  const spool = openSpool({
    ...spoolConfig,
    maxAgeMs: Number.MAX_SAFE_INTEGER,
    accounting: spoolAccounting(counters),
    diag,
  });
  if (spool.dir !== dir) {
    await spool.close();
    progress(busy, true);
    return 1;
  }
  const exporter = new HttpExporter({
    config,
    counters,
    diag,
    noBackendAdvice: 'Check --endpoint (and that the backend runs); the batches stay in the spool.',
  });
  const started = Date.now();
  const show = (done: boolean) =>
    progress(progressLine(startBatches, startBatches - spool.pending.batches, counters, started), done);
  let gaveUp = false;
  let left = 0;
  try {
    await spool.whenRecovered();
    const pacer = new ReplayPacer({ requestsPerSecond, bytesPerSecond });
    const deps = { spool, exporter, counters, diag, retryMs: RETRY_MS, pacer };
    gaveUp = await replayUntilDone(deps, () => show(false));
  } finally {
    show(true);
    left = spool.pending.batches;
    await exporter.close();
    await spool.close();
  }
  if (!gaveUp) return 0;
  progress(
    `podlog spool replay: ${displayUrl(config.endpoint)} keeps failing; stopped with ` +
      `${left} batch(es) left in ${dir} (see the lines above)`,
    true,
  );
  return 1;
}

/** A bad flag: said, exit code 2. */
function usage(line: string): number {
  say(line);
  return 2;
}

/**
 * Replays until the spool is empty, or until the exporter gives a batch back (then true: it
 * gave up, the batch stays spooled). `paused` is called whenever no replay is running.
 */
async function replayUntilDone(
  deps: Omit<ReplayerOptions, 'wake' | 'delivering'>,
  paused: () => void,
): Promise<boolean> {
  let gaveUp = false;
  let wake: () => void = () => {};
  const replayer = new Replayer({
    ...deps,
    wake: () => wake(),
    delivering: (ok) => {
      if (!ok) gaveUp = true;
    },
  });
  try {
    while (!gaveUp) {
      if (replayer.ready()) replayer.start();
      else if (!replayer.active && deps.spool.pending.batches === 0) break;
      // Woken when the replay ends or a pause (backoff, pacing) is over.
      // The 1-s bound only re-checks the state; it is never what moves the replay on.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (!replayer.active) paused();
    }
  } finally {
    await replayer.stop();
  }
  return gaveUp;
}

/** `[####....] 3/8 batches, N records, X MB/s[, dropped: …]`. */
function progressLine(total: number, done: number, counters: Counters, started: number): string {
  const batches = Math.max(0, done);
  const secs = Math.max(0.001, (Date.now() - started) / 1000);
  const ratio = total ? Math.min(1, batches / total) : 1;
  const bar = '#'.repeat(Math.round(ratio * 30)).padEnd(30, '.');
  const dropped = Object.entries(counters.dropped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${reason}`);
  return (
    `[${bar}] ${batches}/${total} batches, ${counters.exported} records, ` +
    `${(counters.bytesSent / 1024 / 1024 / secs).toFixed(2)} MB/s` +
    (dropped.length ? `, dropped: ${dropped.join(', ')} (refused batches are quarantined)` : '')
  );
}
