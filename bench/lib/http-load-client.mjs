/**
 * Drives bench/lib/http-load.mjs (open-loop HTTP load in its own process, so its CPU is not the
 * server's) against a server of this process.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const LOAD = fileURLToPath(new URL('./http-load.mjs', import.meta.url));
const run = promisify(execFile);

/**
 * Listens on 127.0.0.1 (any port, long keep-alive) and returns a load driver for the server:
 * `load(rate, seconds)` sends `GET /orders/<id>` at `rate` req/s (ids count up across calls) and
 * resolves with the number sent; it throws when a request failed. `close()` stops the server.
 *
 * @param {import('node:http').Server} server
 * @returns {Promise<{ load(rate: number, seconds: number): Promise<number>, close(): Promise<void> }>}
 */
export async function httpLoadOn(server) {
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  let nextId = 1;
  return {
    async load(rate, seconds) {
      const { stdout } = await run(process.execPath, [
        LOAD,
        origin,
        String(rate),
        String(seconds),
        String(nextId),
      ]);
      const result = JSON.parse(stdout);
      nextId += result.sent;
      if (result.failed > 0) throw new Error(`http load: ${result.failed} requests failed`);
      return result.sent;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
