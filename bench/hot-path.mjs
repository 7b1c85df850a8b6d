#!/usr/bin/env node
/**
 * Hot-path benchmark (facade): what one log call costs the application.
 *
 *   node bench/hot-path.mjs            (≈ 20 s)
 *   node bench/hot-path.mjs --quick    (≈ 4 s, CI smoke)
 *
 * Same run, same fields (5: int, string, string, bool, double), interleaved rounds, median
 * ns/call over the rounds (each round: chunks of 1000 timed calls, event loop turns between):
 *   - pino `info(fields, msg)` to /dev/null, sync (pino's default destination) and async
 *     (sonic-boom buffered, `sync: false`: the cheapest pino can be);
 *   - podlog `info(msg, fields)` through the facade + encoder into a null `RecordSink`
 *     (the call's own cost), and through `createLogger`'s real pipeline (queue + batching;
 *     exporting to an in-process receiver happens between rounds, outside the timed loop);
 *   - podlog disabled-level call (`debug` at level `info`), and a child logger with bindings.
 *
 * Imports podlog from `src/` through tsx's loader (no build step; esbuild output runs at the
 * same speed as the tsup build).
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const ROUNDS = args.quick ? 5 : 15;
const CALLS = args.quick ? 20_000 : 100_000;

register();
const require = createRequire(import.meta.url);
const pino = require('pino');
const { resolveConfig } = await import('../src/config/resolve.ts');
const { buildLogger, createLogger } = await import('../src/logger/create-logger.ts');
const { silentDiag } = await import('../src/diag.ts');
const { RequestContext, runWithRequestContext } = await import('../src/logger/request-context.ts');

const fields = { userId: 42, route: '/api/orders', method: 'POST', ok: true, latencyMs: 12.5 };
const MSG = 'request done';

const nullSink = {
  written: 0,
  write() {
    this.written++;
  },
  pressure: 0,
  drained: async () => {},
  flush: async () => {},
  shutdown: async () => {},
  exitSync() {},
  stats: () => ({}),
};

const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${receiver.address().port}/v1/logs`;

const pinoSync = pino(pino.destination({ dest: '/dev/null', sync: true }));
const pinoAsyncDest = pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
const pinoAsync = pino(pinoAsyncDest);
const config = resolveConfig({ env: {}, stdout: false, serviceName: 'bench' });
const facade = buildLogger(config, nullSink, silentDiag);
const child = facade.child({ requestId: 'c0ffee', tenant: 'acme' });
const pipeline = createLogger({
  endpoint,
  env: {},
  stdout: false,
  serviceName: 'bench',
  diagnostics: false,
});

// A request context (what podlog/http sets per request): the timed calls run inside it.
const requestContext = new RequestContext({}, 'req-7f3a9c');
// Tail buffering on (`tail: true`): a debug call outside a request is still disabled; inside a
// request with a tail buffer it is encoded and held (the buffer evicts its oldest past 200).
const tailFacade = buildLogger(
  resolveConfig({ env: {}, stdout: false, serviceName: 'bench', tail: true }),
  nullSink,
  silentDiag,
);
const tailContext = new RequestContext({}, 'req-tail');
tailFacade.openTail(tailContext);

const cases = {
  'pino sync (default) → /dev/null': () => pinoSync.info(fields, MSG),
  'pino async (sonic-boom) → /dev/null': () => pinoAsync.info(fields, MSG),
  'podlog facade → null sink': () => facade.info(MSG, fields),
  'podlog createLogger (queue + batching)': () => pipeline.info(MSG, fields),
  'podlog child (2 bindings) → null sink': () => child.info(MSG, fields),
  'podlog disabled level (debug at info)': () => facade.debug(MSG, fields),
  'podlog facade in a request context → null sink': () => facade.info(MSG, fields),
  'podlog debug at info, tail on, outside a request (another open)': () => tailFacade.debug(MSG, fields),
  'podlog debug held in a request tail buffer': () => tailFacade.debug(MSG, fields),
};
const contextCase = 'podlog facade in a request context → null sink';
const tailCase = 'podlog debug held in a request tail buffer';

const CHUNK = 1000;
const tick = () => new Promise((r) => setImmediate(r));

/**
 * ns/call over `n` calls, timed in chunks of 1000 with a turn of the event loop between
 * chunks (not timed): sonic-boom and podlog's pipeline write in the background, as in a
 * real service, instead of piling up a whole round in memory.
 */
async function time(fn, n, wrap = (f) => f()) {
  let total = 0n;
  for (let done = 0; done < n; done += CHUNK) {
    wrap(() => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < CHUNK; i++) fn();
      total += process.hrtime.bigint() - t0;
    });
    await tick();
  }
  return Number(total) / n;
}
const wrapOf = (name) =>
  name === contextCase
    ? (f) => runWithRequestContext(requestContext, f)
    : name === tailCase
      ? (f) => runWithRequestContext(tailContext, f)
      : undefined;

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const [name, fn] of Object.entries(cases)) await time(fn, CALLS / 4, wrapOf(name)); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(cases)) {
    samples[name].push(await time(fn, CALLS, wrapOf(name)));
    await pipeline.flush().catch(() => {});
  }
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const pinoAsyncNs = med['pino async (sonic-boom) → /dev/null'];
const pinoSyncNs = med['pino sync (default) → /dev/null'];

console.log(`hot path, node ${process.version}, ${ROUNDS} rounds × ${CALLS} calls, median ns/call`);
console.log('| case | ns/call | ÷ pino async | ÷ pino sync |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, ns] of Object.entries(med)) {
  console.log(
    `| ${name} | ${ns.toFixed(1)} | ${(ns / pinoAsyncNs).toFixed(2)}x | ${(ns / pinoSyncNs).toFixed(2)}x |`,
  );
}
const podlog = med['podlog facade → null sink'];
const disabled = med['podlog disabled level (debug at info)'];
// Strictest reading of the target: against the faster of the two pino setups.
const pinoBest = Math.min(pinoAsyncNs, pinoSyncNs);
console.log(
  `targets: podlog ≤ 1.0x pino (fastest pino setup): ${(podlog / pinoBest).toFixed(2)}x ${podlog <= pinoBest ? 'OK' : 'MISSED'}; ` +
    `disabled < 20 ns: ${disabled.toFixed(1)} ns ${disabled < 20 ? 'OK' : 'MISSED'}`,
);

await pipeline.shutdown({ timeoutMs: 2000 }).catch(() => {});
pinoAsyncDest.flushSync?.();
receiver.close();
