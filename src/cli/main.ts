#!/usr/bin/env node
/**
 * The `podlog` command: `podlog receive` (local OTLP/HTTP receiver).
 */
import { parseArgs } from 'node:util';
import { startReceiver } from './receive.js';

const USAGE = `usage:
  podlog receive [--port 4318] [--host 127.0.0.1] [--json]   run a local OTLP/HTTP logs receiver
  podlog --help`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === 'receive') {
    const { values } = parseArgs({
      args: rest,
      options: {
        port: { type: 'string', default: '4318' },
        host: { type: 'string', default: '127.0.0.1' },
        json: { type: 'boolean', default: false },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`podlog receive: --port must be 0..65535, got ${values.port}\n`);
      return 2;
    }
    const receiver = await startReceiver({ port, host: values.host, json: values.json });
    process.stderr.write(`podlog receive: listening on ${receiver.url}/v1/logs\n`);
    const stop = () => {
      void receiver.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return new Promise<number>(() => {});
  }
  process.stderr.write(`podlog: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
  return 2;
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
