#!/usr/bin/env node
/**
 * The `podlog` command. Each subcommand is one entry of `COMMANDS`: a function from its
 * arguments to an exit code (a long-running command resolves when it is stopped).
 */
import { parseArgs } from 'node:util';
import { startReceiver } from './receive.js';
import { runSpoolCommand, SPOOL_USAGE } from './spool-command.js';

const USAGE = `usage:
  podlog receive [--port 4318] [--host 127.0.0.1] [--json] [--max-body-bytes N] [--max-inflated-bytes N]
      run a local OTLP/HTTP logs receiver and print every record (NDJSON with --json)
${SPOOL_USAGE}
  podlog --help`;

type Command = (args: string[]) => Promise<number>;

function fail(message: string): number {
  process.stderr.write(`podlog: ${message}\n`);
  return 2;
}

function byteCount(value: string | undefined, flag: string): number | string {
  if (value === undefined) return Number.NaN;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : `${flag} must be a positive integer, got ${value}`;
}

const receive: Command = async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '4318' },
      host: { type: 'string', default: '127.0.0.1' },
      json: { type: 'boolean', default: false },
      'max-body-bytes': { type: 'string' },
      'max-inflated-bytes': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return fail(`receive: --port must be 0..65535, got ${values.port}`);
  }
  const maxBody = byteCount(values['max-body-bytes'], '--max-body-bytes');
  const maxInflated = byteCount(values['max-inflated-bytes'], '--max-inflated-bytes');
  if (typeof maxBody === 'string') return fail(`receive: ${maxBody}`);
  if (typeof maxInflated === 'string') return fail(`receive: ${maxInflated}`);
  const receiver = await startReceiver({
    port,
    host: values.host,
    json: values.json,
    maxBodyBytes: Number.isNaN(maxBody) ? undefined : maxBody,
    maxInflatedBytes: Number.isNaN(maxInflated) ? undefined : maxInflated,
  });
  process.stderr.write(`podlog receive: listening on ${receiver.endpoint}\n`);
  return new Promise<number>((resolve) => {
    const stop = () => void receiver.close().then(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
};

const COMMANDS: Record<string, Command> = {
  receive,
  spool: runSpoolCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) return fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`podlog: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
