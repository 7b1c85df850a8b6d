/** `podlog spool inspect <dir>`: what is in a spool directory, without changing it. */
import { inspectSpool, type SpoolReport } from '../spool/inspect.js';

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

export async function spoolInspect(dir: string, json: boolean): Promise<number> {
  const report = inspectSpool(dir);
  process.stdout.write(`${json ? JSON.stringify(report, null, 2) : formatSpoolReport(report)}\n`);
  return 0;
}
