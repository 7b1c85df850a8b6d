import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';
import { decodeIndependentProtobuf, flatRecords } from './helpers/otlp-independent.js';
import { startReceiver, type TestReceiver } from './helpers/receiver.js';

describe('end to end: log call → OTLP/HTTP protobuf → receiver on 127.0.0.1', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('delivers 1,000 info calls after flush, with service.name from OTEL_SERVICE_NAME', async () => {
    const log = createLogger({
      endpoint: receiver.endpoint,
      env: { OTEL_SERVICE_NAME: 'checkout' },
      diagnostics: false,
    });
    for (let i = 0; i < 1000; i++) log.info('order placed', { i, ok: true });
    await log.flush();
    const records = receiver.records();
    expect(records).toHaveLength(1000);
    expect(records.map((r) => r.attributes.i)).toEqual(Array.from({ length: 1000 }, (_, i) => BigInt(i)));
    expect(records[0].resource['service.name']).toBe('checkout');
    expect(records[0].severityNumber).toBe(9);
    expect(records[0].severityText).toBe('INFO');
    expect(records[0].body).toBe('order placed');
    expect(receiver.requests[0].headers['content-type']).toBe('application/x-protobuf');
    expect(receiver.requests[0].url).toBe('/v1/logs');
    // Every request also decodes with the official OTLP schema (otlp-transformer's generated code).
    type Flat = { record: { attributes: unknown }; resource: { attributes: unknown[] } };
    const official = receiver.requests.flatMap(
      (r) => flatRecords(decodeIndependentProtobuf(r.body)) as Flat[],
    );
    expect(official).toHaveLength(1000);
    expect(official[999].record.attributes).toEqual([
      { key: 'i', value: { intValue: '999' } },
      { key: 'ok', value: { boolValue: true } },
    ]);
    expect(official[0].resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'checkout' },
    });
    const s = log.stats();
    expect(s.accepted).toBe(1000);
    expect(s.exported).toBe(1000);
    await log.shutdown();
  });
});
