/** `podlog spool purge <dir>`: deletes a spool's data. Refuses while a live process owns it. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeSpoolFs } from '../spool/disk.js';
import { inspectSpool } from '../spool/inspect.js';
import { tryLock } from '../spool/lock.js';

export async function spoolPurge(dir: string, write: (line: string) => void): Promise<number> {
  const report = inspectSpool(dir);
  const locks = [];
  for (const d of report.dirs) {
    const lock = tryLock(nodeSpoolFs, d.dir);
    if (!lock) {
      for (const l of locks) l.release();
      write(`podlog spool purge: ${d.dir} is in use by a live process (see its lock); stop it first`);
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
  write(
    `podlog spool purge: removed ${report.totals.segments} segments (${report.totals.pendingRecords} records pending) ` +
      `and ${report.quarantine.files} quarantined files`,
  );
  return 0;
}
