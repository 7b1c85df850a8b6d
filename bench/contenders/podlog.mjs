/**
 * podlog at its defaults, from the built package (`dist/`), the way users get it.
 */
export async function create({ endpoint, serviceName }) {
  const { createLogger } = await import(new URL('../../dist/index.js', import.meta.url).href);
  const log = createLogger({ endpoint, serviceName, diagnostics: false });
  return {
    info: (msg, fields) => log.info(msg, fields),
    shutdown: () => log.shutdown(),
    stats: () => log.stats(),
  };
}
