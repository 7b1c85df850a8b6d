import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';

/**
 * pino with `podlog/pino`'s destination (`pino(opts, podlogDestination(log))`, in the app
 * thread), podlog at its defaults, from the built package: the same pino calls as the
 * pino-otel-transport contender, with podlog instead of pino-opentelemetry-transport behind them.
 */
export async function create({ endpoint, serviceName, podlogDist }) {
  const { createLogger } = await import(pathToFileURL(join(podlogDist, 'index.js')).href);
  const { podlogDestination } = await import(pathToFileURL(join(podlogDist, 'pino.js')).href);
  const log = createLogger({ endpoint, serviceName, diagnostics: false });
  const destination = podlogDestination(log);
  const logger = pino({}, destination);
  return {
    info: (msg, fields) => logger.info(fields, msg),
    // end() lets held lines in (none unless the queue filled) and flushes; then shut podlog down.
    shutdown: async () => {
      await destination.end();
      await log.shutdown();
    },
    stats: () => log.stats(),
  };
}
