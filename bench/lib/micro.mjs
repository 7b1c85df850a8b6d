/**
 * Runs the other stages' micro-benchmarks (owned by their stages, not by this harness) and
 * captures their output for the report. A missing script is reported, not an error.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MICRO_SCRIPTS = [
  { file: 'hot-path.mjs', what: 'hot path: ns/call vs pino to /dev/null (facade)' },
  { file: 'encode.mjs', what: 'encoder throughput vs @opentelemetry/otlp-transformer (export)' },
  { file: 'memory-outage.mjs', what: 'memory during an outage (batching)' },
  { file: 'spool-throughput.mjs', what: 'spool throughput (spool)' },
  {
    file: 'tail.mjs',
    what: 'tail buffering: CPU vs plain info and vs debug everywhere at 5,000 req/s (facade)',
  },
];

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Whether the script mentions a `--quick` flag, i.e. knows a short mode. */
function acceptsQuick(path) {
  return readFileSync(path, 'utf8').includes('--quick');
}

/**
 * @param {{ file: string, what: string }} script
 * @param {{ quick: boolean, timeoutMs: number }} o
 * @returns {Promise<{ file: string, what: string, status: 'missing' | 'ok' | 'failed' | 'timeout',
 *   args: string[], seconds: number, output: string }>}
 */
export async function runMicro(script, { quick, timeoutMs }) {
  const path = `${BENCH_DIR}${script.file}`;
  if (!existsSync(path)) return { ...script, status: 'missing', args: [], seconds: 0, output: '' };
  const args = quick && acceptsQuick(path) ? ['--quick'] : [];
  const started = performance.now();
  const child = spawn(process.execPath, [path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c) => {
    if (output.length < 20_000) output += c;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  const status = timedOut ? 'timeout' : code === 0 ? 'ok' : 'failed';
  return { ...script, status, args, seconds: (performance.now() - started) / 1000, output: output.trim() };
}
