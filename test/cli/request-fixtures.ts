/**
 * Request bodies for receiver tests, built with podlog's own encoders (protobuf) and by hand
 * (OTLP/JSON), so the receiver is tested on both encodings without a running logger.
 */
import { encodeRequest } from '../../src/otlp/index.js';
import { encodeRecord, encodeResource, encodeScope } from '../../src/record/index.js';

export const T0 = 1_700_000_000_123_000_000n;

export function protobufRequest(): Uint8Array {
  const resource = encodeResource({ 'service.name': 'checkout', 'k8s.pod.name': 'checkout-7d9f' });
  const scope = encodeScope('orders');
  const records = [
    encodeRecord({
      timeUnixNano: T0,
      observedTimeUnixNano: T0,
      severityNumber: 9,
      severityText: 'INFO',
      body: 'order placed',
      fields: { orderId: 42, items: ['a', 'b'] },
    }),
    encodeRecord({
      timeUnixNano: T0 + 1n,
      observedTimeUnixNano: T0 + 1n,
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'payment failed',
      fields: {
        'exception.type': 'Error',
        'exception.stacktrace': 'Error: card declined\n    at pay (pay.js:1:1)',
      },
      traceId: new Uint8Array(16).fill(0xab),
      spanId: new Uint8Array(8).fill(0xcd),
      eventName: 'payment.failed',
    }),
  ];
  return encodeRequest(records.map((bytes) => ({ bytes, scope, resource })));
}

export function jsonRequest(): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] },
        scopeLogs: [
          {
            scope: { name: 'invoices' },
            logRecords: [
              {
                timeUnixNano: T0.toString(),
                severityNumber: 13,
                severityText: 'WARN',
                body: { stringValue: 'invoice late' },
                attributes: [{ key: 'days', value: { intValue: '3' } }],
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
              },
            ],
          },
        ],
      },
    ],
  });
}
