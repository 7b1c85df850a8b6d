import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * podlog at its defaults, from the built package (`dist/`, or the build of `--commit`), the way
 * users get it.
 */
export async function create({ endpoint, serviceName, podlogDist }) {
  const { createLogger } = await import(pathToFileURL(join(podlogDist, 'index.js')).href);
  const log = createLogger({ endpoint, serviceName, diagnostics: false });
  return {
    info: (msg, fields) => log.info(msg, fields),
    shutdown: () => log.shutdown(),
    stats: () => log.stats(),
  };
}
