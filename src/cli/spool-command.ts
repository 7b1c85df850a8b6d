/** `podlog spool <inspect|replay|purge> <dir>`: the spool tools. */
import { parseArgs } from 'node:util';
import { spoolInspect } from './spool-inspect.js';
import { spoolPurge } from './spool-purge.js';
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
  const dir = positionals[0];
  if (!dir || positionals.length > 1) {
    err(`usage:\n${SPOOL_USAGE}`);
    return 2;
  }
  if (sub === 'inspect') return spoolInspect(dir, values.json);
  if (sub === 'purge') return spoolPurge(dir, err);
  if (sub === 'replay') return spoolReplay(dir, values);
  err(`usage:\n${SPOOL_USAGE}`);
  return 2;
}
