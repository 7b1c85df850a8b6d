#!/usr/bin/env node
/**
 * The `podlog` command. Each subcommand is one entry of `COMMANDS`: a function from its
 * arguments to an exit code (a long-running command resolves when it is stopped).
 */
import { RECEIVE_USAGE, runReceive } from './receive.js';
import { runSpoolCommand, SPOOL_USAGE } from './spool.js';

const USAGE = `usage:
${RECEIVE_USAGE}
${SPOOL_USAGE}
  podlog --help`;

type Command = (args: string[]) => Promise<number>;

function fail(message: string): number {
  process.stderr.write(`podlog: ${message}\n`);
  return 2;
}

const COMMANDS: Record<string, Command> = {
  receive: runReceive,
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
