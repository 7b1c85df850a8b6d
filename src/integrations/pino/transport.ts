/**
 * `podlog/pino/transport`: podlog as a pino transport target, for apps that want the OTLP work
 * off the main thread:
 *
 *   pino(pino.transport({ target: 'podlog/pino/transport', options: { serviceName: 'api' } }))
 *
 * pino runs the target in a worker thread (thread-stream) and calls its default export with
 * `options` (podlog's `createLogger` options, structured-clonable); the returned Writable gets
 * pino's output in chunks that need not end on a line. Backpressure is the stream's own: while
 * podlog's queue is nearly full the write callback waits for `drained(holdAt)` (the fill below
 * holdAt), the stream's buffer (16 KiB) fills, and thread-stream stops reading the shared buffer
 * until 'drain'; pino's side of thread-stream keeps what is written meanwhile in the app
 * thread's memory. Ending the stream (pino at exit, `transport.end()`) shuts down the worker's
 * podlog logger, so what was written is exported, spooled or dropped-and-counted first.
 *
 * The worker has no active span of the app thread: records carry trace ids only when the line
 * does (`trace_id`/`span_id`, as @opentelemetry/instrumentation-pino writes them).
 */
import { on } from 'node:events';
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoggerOptions } from '../../config/options.js';
import { createLogger } from '../../logger/create-logger.js';
import { EMIT_FOREIGN } from '../../logger/logger.js';
import { holdAtOption, withCallback } from '../foreign.js';
import {
  DEFAULT_PINO_FORMAT,
  formatFromPinoMessage,
  lineToRecord,
  type PinoFormat,
} from './line-to-record.js';

/** Options of the transport: `createLogger` options, plus when to hold pino's stream. */
export interface PodlogPinoTransportOptions extends LoggerOptions {
  /** Queue fill (0..1] from which the stream waits for podlog to drain. Default 0.9. */
  holdAt?: number;
}

/** Keys pino (`pinoWillSendConfig`, `levels`, `dedupe`) and thread-stream (`$context`) add to a target's options. */
const FOREIGN_KEYS = ['$context', 'pinoWillSendConfig', 'levels', 'dedupe'];

/** How long to wait for pino's configuration message before going on with pino's defaults. */
const CONFIG_WAIT_MS = 5_000;

/**
 * The transport target: builds the podlog logger and returns the stream pino's worker writes
 * to. Throws `InvalidOptionError` for bad options (pino reports it from the worker).
 */
export default async function podlogTransport(options: PodlogPinoTransportOptions = {}): Promise<Writable> {
  const holdAt = holdAtOption(options?.holdAt);
  // A single `target` gets pino's and thread-stream's own keys mixed into its options.
  const loggerOptions: Record<string, unknown> = { ...options };
  for (const key of ['holdAt', ...FOREIGN_KEYS]) delete loggerOptions[key];
  const format = await pinoConfig();
  const root = createLogger(loggerOptions);
  // pino filtered already: podlog's level does not filter again.
  const logger = root.child({}, { level: 'trace' });
  let rest = '';
  const emitLine = (line: string): void => {
    // The worker's own active span is meaningless here: `null` unless the line carries one.
    if (line.trim() !== '') logger[EMIT_FOREIGN](lineToRecord(line, format, null));
  };
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      const text = rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        emitLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = start === 0 ? text : text.slice(start);
      if (logger.pressure < holdAt) callback();
      else logger.drained(holdAt).then(() => callback(), callback);
    },
    final(callback) {
      if (rest !== '') emitLine(rest);
      rest = '';
      root.shutdown().then(() => callback(), callback);
    },
  });
  // thread-stream's worker calls `flush` for pino's `logger.flush()`.
  Object.defineProperty(stream, 'flush', {
    value: (cb?: (err?: Error) => void) => withCallback(root.flush(), cb),
  });
  return stream;
}

/**
 * pino (≥ 9.1) sends its levels, message key and error key to the worker after start-up when
 * it says so in `workerData` (`pinoWillSendConfig`); without it, pino's defaults.
 */
async function pinoConfig(): Promise<PinoFormat> {
  const data = (workerData as { workerData?: { pinoWillSendConfig?: unknown } } | null)?.workerData;
  if (parentPort === null || data?.pinoWillSendConfig !== true) return DEFAULT_PINO_FORMAT;
  try {
    for await (const [message] of on(parentPort, 'message', {
      signal: AbortSignal.timeout(CONFIG_WAIT_MS),
    })) {
      const format = formatFromPinoMessage(message, DEFAULT_PINO_FORMAT);
      if (format !== undefined) return format;
    }
  } catch {
    // CONFIG_WAIT_MS passed without it.
  }
  return DEFAULT_PINO_FORMAT;
}
