/**
 * `podlog receive`: runs the OTLP/HTTP logs receiver of `podlog/testing` (testing/receiver.ts)
 * on port 4318 and prints every record: each new resource in full with its scopes, then one
 * line per record (control characters escaped), or NDJSON with `--json`.
 */
import { parseArgs } from 'node:util';
import { startReceiver } from '../testing/receiver.js';

export const RECEIVE_USAGE = `  podlog receive [--port 4318] [--host 127.0.0.1] [--json] [--resource] [--max-body-bytes N] [--max-inflated-bytes N]
      run a local OTLP/HTTP logs receiver and print every record (NDJSON with --json);
      each new resource is printed once in full, --resource prints it with every record`;

function fail(message: string): number {
  process.stderr.write(`podlog: receive: ${message}\n`);
  return 2;
}

function byteCount(value: string | undefined, flag: string): number | undefined | string {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : `${flag} must be a positive integer, got ${value}`;
}

/** Runs until SIGINT/SIGTERM; resolves with the exit code. */
export async function runReceive(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '4318' },
      host: { type: 'string', default: '127.0.0.1' },
      json: { type: 'boolean', default: false },
      resource: { type: 'boolean', default: false },
      'max-body-bytes': { type: 'string' },
      'max-inflated-bytes': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return fail(`--port must be 0..65535, got ${values.port}`);
  }
  const maxBody = byteCount(values['max-body-bytes'], '--max-body-bytes');
  const maxInflated = byteCount(values['max-inflated-bytes'], '--max-inflated-bytes');
  if (typeof maxBody === 'string') return fail(maxBody);
  if (typeof maxInflated === 'string') return fail(maxInflated);
  const receiver = await startReceiver({
    port,
    host: values.host,
    json: values.json,
    resource: values.resource,
    color: Boolean(process.stdout.isTTY),
    keepRecords: false,
    write: (line) => process.stdout.write(`${line}\n`),
    maxBodyBytes: maxBody,
    maxInflatedBytes: maxInflated,
  });
  process.stderr.write(`podlog receive: listening on ${receiver.endpoint}\n`);
  return new Promise<number>((resolve) => {
    const stop = () => void receiver.close().then(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
