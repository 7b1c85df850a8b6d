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
  if (Object.hasOwn(COMMANDS, command)) return COMMANDS[command](rest);
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
