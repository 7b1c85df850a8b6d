/**
 * `podlog spool <inspect|replay|purge> <dir>`: the spool tools. Inspect and purge are here;
 * replay, which runs the app's delivery path, is spool-replay.ts.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeSpoolFs } from '../spool/disk.js';
import { inspectSpool, type SpoolReport } from '../spool/inspect.js';
import { tryLock } from '../spool/lock.js';
import { spoolReplay } from './spool-replay.js';

export const SPOOL_USAGE = `  podlog spool inspect <dir> [--json]      segments, records, bytes, time range, corrupt frames, lock owner
  podlog spool replay <dir> --endpoint URL [--header k=v]... [--rps N] [--bps N] [--max-attempts N]
      send a spool's batches to a backend, oldest first, with progress (podlog's own exporter:
      same retries, 413 split, TLS/proxy env vars; user:pass@ in the URL is sent as Basic auth)
  podlog spool purge <dir>                  delete a spool's data (refuses while a live process owns it)`;

const err = (line: string) => process.stderr.write(`${line}\n`);

export async function runSpoolCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      header: { type: 'string', multiple: true, default: [] },
      rps: { type: 'string', default: '50' },
      bps: { type: 'string', default: String(32 * 1024 * 1024) },
      'max-attempts': { type: 'string', default: '8' },
    },
  });
  const [dir] = positionals;
  if (dir && positionals.length === 1) {
    if (sub === 'inspect') return spoolInspect(dir, values.json);
    if (sub === 'purge') return spoolPurge(dir);
    if (sub === 'replay') return spoolReplay(dir, values);
  }
  err(`usage:\n${SPOOL_USAGE}`);
  return 2;
}

/** `podlog spool inspect <dir>`: what is in a spool directory, without changing it. */
function spoolInspect(dir: string, json: boolean): number {
  const report = inspectSpool(dir);
  process.stdout.write(`${json ? JSON.stringify(report, null, 2) : formatSpoolReport(report)}\n`);
  return 0;
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function fmtTime(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString();
}

/** Renders a report as readable lines. */
export function formatSpoolReport(report: SpoolReport): string {
  const out: string[] = [];
  for (const d of report.dirs) {
    const owner =
      typeof d.lock === 'string'
        ? `lock ${d.lock}`
        : `lock pid ${d.lock.pid} on ${d.lock.host}, heartbeat ${fmtTime(d.lock.heartbeat)}`;
    out.push(`${d.dir}  (${owner}; cursor ${d.cursor})`);
    for (const s of d.segments) {
      const notes = [
        s.header !== 'ok' ? `header ${s.header}` : '',
        s.corruptFrames ? `${s.corruptFrames} corrupt frames` : '',
        s.unreadableFrom !== undefined ? `unreadable from byte ${s.unreadableFrom}` : '',
        s.tornAt !== undefined ? `torn tail at ${s.tornAt}` : '',
        s.damage ? `damaged: ${s.damage}` : '',
      ].filter(Boolean);
      out.push(
        `  ${s.file}  ${fmtBytes(s.bytes).padStart(10)}  ${String(s.pendingFrames).padStart(6)}/${s.frames} batches pending  ` +
          `${s.pendingRecords} records  ${fmtTime(s.oldest)} .. ${fmtTime(s.newest)}${notes.length ? `  [${notes.join(', ')}]` : ''}`,
      );
    }
  }
  const t = report.totals;
  out.push(
    `total: ${t.segments} segments, ${fmtBytes(t.bytes)}, ${t.pendingBatches} batches / ${t.pendingRecords} records pending, ` +
      `${t.corruptFrames} corrupt frames, ${t.lostRecords}${t.lossUnknown ? '+' : ''} records lost to damage; quarantine: ${report.quarantine.files} files, ${fmtBytes(report.quarantine.bytes)}`,
  );
  return out.join('\n');
}

/** `podlog spool purge <dir>`: deletes a spool's data. Refuses while a live process owns it. */
function spoolPurge(dir: string): number {
  const report = inspectSpool(dir);
  const locks = [];
  for (const d of report.dirs) {
    const lock = tryLock(nodeSpoolFs, d.dir);
    if (!lock) {
      for (const l of locks) l.release();
      err(`podlog spool purge: ${d.dir} is in use by a live process (see its lock); stop it first`);
      return 1;
    }
    locks.push(lock);
  }
  for (const d of report.dirs) {
    if (d.dir !== dir) rmSync(d.dir, { recursive: true, force: true });
    else for (const s of d.segments) rmSync(join(d.dir, s.file), { force: true });
  }
  for (const f of ['cursor', 'cursor.tmp', 'quarantine'])
    rmSync(join(dir, f), { recursive: true, force: true });
  for (const l of locks) l.release();
  err(
    `podlog spool purge: removed ${report.totals.segments} segments (${report.totals.pendingRecords} records pending) ` +
      `and ${report.quarantine.files} quarantined files`,
  );
  return 0;
}
