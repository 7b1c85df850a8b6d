/**
 * `createTestLogger`: a real podlog logger whose records land in an array instead of a backend.
 */
import type { RecordSink } from '../batch/types.js';
import type { LoggerOptions } from '../config/options.js';
import { resolveConfig } from '../config/resolve.js';
import { createDiag } from '../diag.js';
import { buildLogger } from '../logger/create-logger.js';
import type { Logger } from '../logger/logger.js';
import { decodeProtobufRequest } from '../otlp/decode-protobuf.js';
import { encodeRequest } from '../otlp/encode-request.js';
import type { Level } from '../record/level-table.js';
import type { EncodedRecord } from '../record/types.js';
import { Counters } from '../stats.js';
import { matches, type TestRecord, toTestRecords } from './test-record.js';

/**
 * A `RecordSink` that keeps records in memory instead of exporting them: what `createTestLogger`
 * puts behind the real facade. Each record is framed and decoded exactly like a backend would see
 * it, so tests assert on what would have been sent.
 */
export function createCaptureSink(onRecord: (record: TestRecord) => void): RecordSink {
  const counters = new Counters();
  let closed = false;
  return {
    write(record: EncodedRecord) {
      counters.accept(1);
      if (closed) {
        counters.drop('after_shutdown', 1);
        return;
      }
      for (const r of toTestRecords(decodeProtobufRequest(encodeRequest([record]), { ints: 'number' }))) {
        onRecord(r);
      }
      counters.delivered(1);
    },
    discard(reason) {
      // A log call whose record could not be encoded: counted, as the real pipeline does.
      counters.accept(1);
      counters.drop(reason, 1);
    },
    pressure: 0,
    drained: () => Promise.resolve(),
    flush: () => Promise.resolve(),
    shutdown() {
      closed = true;
      return Promise.resolve();
    },
    exitSync() {},
    stats: () => counters.snapshot({ records: 0, bytes: 0, maxRecords: 0, maxBytes: 0, fill: 0 }),
  };
}

/** Options of {@link createTestLogger}: those of `createLogger`, minus nothing; export options are ignored. */
export interface TestLoggerOptions extends LoggerOptions {}

/** What {@link createTestLogger} returns: the logger and the records it captured. */
export interface TestLogger {
  /** A real podlog logger: same facade, redaction and resource stages as `createLogger`. */
  logger: Logger;
  /** Live array of captured records, oldest first. */
  records: TestRecord[];
  /**
   * Records at `level` (any level when omitted) whose body contains `bodyPattern` (string) or
   * matches it (RegExp). Non-string bodies are matched as JSON.
   */
  find(level?: Level, bodyPattern?: string | RegExp): TestRecord[];
  /** Empties `records` (in place: references to the array stay valid). */
  clear(): void;
}

/**
 * Creates a logger for unit tests that captures records in memory. Works with vitest and jest.
 * Differences from `createLogger`, chosen for tests: the level defaults to `trace` (everything is
 * captured), the environment defaults to `{}` (tests do not depend on the machine), and
 * diagnostics are off unless given.
 *
 * @example
 * const { logger, find } = createTestLogger();
 * placeOrder(logger, { id: 42 });
 * expect(find('info', 'order placed')[0].attributes.orderId).toBe(42);
 */
export function createTestLogger(options: TestLoggerOptions = {}): TestLogger {
  const config = resolveConfig({ level: 'trace', env: {}, ...options });
  const records: TestRecord[] = [];
  const sink = createCaptureSink((r) => records.push(r));
  const diag = createDiag({ sink: options.diagnostics ?? false });
  const logger = buildLogger(config, sink, diag);
  return {
    logger,
    records,
    find: (level, bodyPattern) => records.filter((r) => matches(r, level, bodyPattern)),
    clear: () => {
      records.length = 0;
    },
  };
}
