#!/usr/bin/env node
/**
 * What `podlog/http` costs a `node:http` server per request: server CPU µs per request for a
 * handler that answers `ok`, bare (`plain`), wrapped with `httpLogger().wrap` (`wrap`: request
 * id, request context, `req.log`, the completion record) and wrapped with `autoLogging: false`
 * (`wrap-quiet`: everything but the completion record); and, for comparison, the same handler
 * behind pino-http 11 with pino writing to /dev/null (`pino-http`).
 *
 *   node bench/http-overhead.mjs            (≈ 50 s: 4 modes × 3 runs × 3 s at 5,000 req/s)
 *   node bench/http-overhead.mjs wrap plain (only those modes, in that order)
 *
 * Load: bench/lib/http-load.mjs in a child process (its CPU is not counted); the logger exports
 * to bench/receiver.mjs in another. Imports podlog from `src/` through tsx's loader. Medians.
 */
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { register } from 'tsx/esm/api';
import { httpLoadOn } from './lib/http-load-client.mjs';
import { startReceiverProcess } from './lib/receiver-client.mjs';
import { median } from './lib/stats.mjs';

register();
const { createLogger } = await import('../src/index.ts');
const { httpLogger } = await import('../src/integrations/http/index.ts');
const RATE = 5000;
const SECONDS = 3;
const RUNS = 3;

const receiver = await startReceiverProcess();
const MODES = ['plain', 'pino-http', 'wrap', 'wrap-quiet'];
const asked = process.argv.slice(2);
const unknown = asked.filter((mode) => !MODES.includes(mode));
if (unknown.length > 0) throw new Error(`unknown mode(s) ${unknown.join(', ')}; modes: ${MODES.join(', ')}`);
const results = {};
for (const mode of asked.length > 0 ? asked : MODES) {
  const log = createLogger({ endpoint: receiver.endpoint, env: {}, stdout: false, diagnostics: false });
  const logging = httpLogger({ logger: log, autoLogging: mode !== 'wrap-quiet' });
  const handler = async (_req, res) => {
    res.statusCode = 200;
    res.end('ok');
  };
  const pinoLogging = pinoHttp({ logger: pino(pino.destination('/dev/null')) });
  const withPino = (req, res) => {
    pinoLogging(req, res);
    handler(req, res);
  };
  const server = createServer(
    mode === 'plain' ? handler : mode === 'pino-http' ? withPino : logging.wrap(handler),
  );
  const { load, close } = await httpLoadOn(server);
  const perRequest = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const cpu0 = process.cpuUsage();
    const sent = await load(RATE, SECONDS);
    const cpu = process.cpuUsage(cpu0);
    if (i > 0) perRequest.push((cpu.user + cpu.system) / sent); // the first run warms up
  }
  results[mode] = median(perRequest);
  await close();
  await log.shutdown();
}
await receiver.close();
console.log(
  `podlog/http overhead, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${RATE} req/s, medians of ${RUNS} runs`,
);
console.log('| mode | server CPU µs/request | vs plain |');
console.log('| --- | ---: | ---: |');
for (const [mode, us] of Object.entries(results)) {
  const ratio = results.plain === undefined ? '' : `${(us / results.plain).toFixed(2)}×`;
  console.log(`| ${mode} | ${us.toFixed(0)} | ${ratio} |`);
}
