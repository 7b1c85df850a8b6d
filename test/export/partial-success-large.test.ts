/**
 * A 2xx answer whose body exceeds the 4 MiB response cap (a huge `error_message`) still has its
 * `partial_success.rejected_log_records` counted (issue #15); when the cap cuts the body before
 * that field, the batch is flagged (`lossUnknown.rejected`) and said, never silently `exported`.
 * A real server on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES } from '../../src/export/index.js';
import { makeBatch, partialSuccessProtobuf } from '../helpers/otlp-independent.js';
import { makeExporter, useFaultServer } from './helpers/setup.js';

const HUGE = 'x'.repeat(MAX_RESPONSE_BYTES + 1024 * 1024);

/** `n` as a protobuf varint (written here, independent of src/). */
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

describe('partial success in a response over the cap', () => {
  const server = useFaultServer();

  it('protobuf: rejected_log_records ahead of a 5 MiB error_message is counted rejected', async () => {
    server().enqueue({
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
      body: partialSuccessProtobuf(2, HUGE),
    });
    const { exporter, counters } = makeExporter({ endpoint: server().endpoint });
    const outcome = await exporter.export(makeBatch('big-pb', { layout: [[5]] }));
    expect(outcome).toMatchObject({ exported: 3, dropped: { rejected: 2 }, undelivered: [] });
    expect(counters.lossUnknown.rejected).toBe(0);
  });

  it('JSON: rejectedLogRecords ahead of a 5 MiB errorMessage is counted rejected', async () => {
    server().enqueue({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partialSuccess: { rejectedLogRecords: '4', errorMessage: HUGE } }),
    });
    const { exporter, counters } = makeExporter({ endpoint: server().endpoint, protocol: 'http/json' });
    const outcome = await exporter.export(makeBatch('big-json', { layout: [[5]] }));
    expect(outcome).toMatchObject({ exported: 1, dropped: { rejected: 4 } });
    expect(counters.lossUnknown.rejected).toBe(0);
  });

  it('JSON with the count after the cut: flagged as unknown and said, not silently exported', async () => {
    server().enqueue({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: `{"partialSuccess":{"errorMessage":"${HUGE}","rejectedLogRecords":"5"}}`,
    });
    const { exporter, counters, lines } = makeExporter({
      endpoint: server().endpoint,
      protocol: 'http/json',
    });
    const outcome = await exporter.export(makeBatch('big-late', { layout: [[5]] }));
    expect(outcome.exported).toBe(5);
    expect(counters.lossUnknown.rejected).toBe(1);
    expect(
      lines.some((l) => l.includes('too large to read') && l.includes('some may have been rejected')),
    ).toBe(true);
  });

  it('protobuf with the count after the cut: flagged as unknown', async () => {
    // Fields out of the usual order (allowed): error_message (2) first, rejected_log_records (1) last.
    const message = Buffer.from(HUGE);
    const inner = Buffer.concat([
      Buffer.from([0x12]),
      varint(message.length),
      message,
      Buffer.from([0x08, 0x05]),
    ]);
    server().enqueue({
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.concat([Buffer.from([0x0a]), varint(inner.length), inner]),
    });
    const { exporter, counters } = makeExporter({ endpoint: server().endpoint });
    const outcome = await exporter.export(makeBatch('big-pb-late', { layout: [[5]] }));
    expect(outcome.exported).toBe(5);
    expect(counters.lossUnknown.rejected).toBe(1);
  });

  it('a small answer is read whole as before: no flag', async () => {
    server().enqueue({
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
      body: partialSuccessProtobuf(1, 'small'),
    });
    const { exporter, counters } = makeExporter({ endpoint: server().endpoint });
    const outcome = await exporter.export(makeBatch('small', { layout: [[5]] }));
    expect(outcome).toMatchObject({ exported: 4, dropped: { rejected: 1 } });
    expect(counters.lossUnknown.rejected).toBe(0);
  });
});
