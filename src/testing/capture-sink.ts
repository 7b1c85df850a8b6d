/**
 * A `RecordSink` that keeps records in memory instead of exporting them: what `createTestLogger`
 * puts behind the real facade. Each record is framed and decoded exactly like a backend would see
 * it, so tests assert on what would have been sent.
 */
import type { RecordSink } from '../batch/types.js';
import { decodeProtobufRequest } from '../otlp/decode-protobuf.js';
import { encodeRequest } from '../otlp/encode-request.js';
import type { EncodedRecord } from '../record/types.js';
import { Counters } from '../stats.js';
import { type TestRecord, toTestRecords } from './test-record.js';

export function createCaptureSink(onRecord: (record: TestRecord) => void): RecordSink {
  const counters = new Counters();
  let closed = false;
  return {
    write(record: EncodedRecord) {
      counters.accepted++;
      if (closed) {
        counters.drop('after_shutdown', 1);
        return;
      }
      for (const r of toTestRecords(decodeProtobufRequest(encodeRequest([record]), { ints: 'number' }))) {
        onRecord(r);
      }
      counters.exported++;
    },
    discard(reason) {
      // A log call whose record could not be encoded: counted, as the real pipeline does.
      counters.accepted++;
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
