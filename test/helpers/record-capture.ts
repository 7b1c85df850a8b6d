/**
 * A tiny capturing `RecordSink` for facade tests: keeps the encoded records and decodes them
 * with podlog's own decoder on demand. No network.
 */
import type { RecordSink } from '../../src/batch/index.js';
import type { LoggerOptions } from '../../src/config/index.js';
import { resolveConfig } from '../../src/config/index.js';
import { silentDiag } from '../../src/diag.js';
import type { Logger } from '../../src/logger/index.js';
import { buildLogger } from '../../src/logger/index.js';
import type { DecodedLogRecord } from '../../src/otlp/index.js';
import { decodeLogRecord } from '../../src/otlp/index.js';
import type { EncodedRecord } from '../../src/record/index.js';
import type { StatsSnapshot } from '../../src/stats.js';

export interface CaptureSink extends RecordSink<EncodedRecord> {
  readonly records: EncodedRecord[];
  /** Decoded records (ints as numbers when safe). */
  decoded(): DecodedLogRecord[];
  /** The last record, decoded. */
  last(): DecodedLogRecord;
  pressureValue: number;
  drainedCalls: number;
}

export function createCapture(): CaptureSink {
  const records: EncodedRecord[] = [];
  const sink: CaptureSink = {
    records,
    pressureValue: 0,
    drainedCalls: 0,
    write(record) {
      records.push(record);
    },
    get pressure() {
      return sink.pressureValue;
    },
    drained() {
      sink.drainedCalls++;
      return Promise.resolve();
    },
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    exitSync() {},
    stats: () => ({ accepted: records.length }) as unknown as StatsSnapshot,
    decoded: () => records.map((r) => decodeLogRecord(r.bytes, { ints: 'number' })),
    last() {
      const r = records.at(-1);
      if (!r) throw new Error('no record captured');
      return decodeLogRecord(r.bytes, { ints: 'number' });
    },
  };
  return sink;
}

/** A real facade (buildLogger) around a capture sink; env `{}` so the machine does not matter. */
export function captureLogger(options: LoggerOptions = {}): { log: Logger; sink: CaptureSink } {
  const sink = createCapture();
  const log = buildLogger(resolveConfig({ env: {}, stdout: false, ...options }), sink, silentDiag);
  return { log, sink };
}
