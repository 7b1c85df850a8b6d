import { afterEach, describe, expect, it } from 'vitest';
import { type RunningExample, startExample } from './run-example.js';

describe('examples/pino', () => {
  let app: RunningExample | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('an existing pino app ships its records through the one replaced destination', async () => {
    app = await startExample('examples/pino/app.ts', { OTEL_SERVICE_NAME: 'checkout-svc' });
    expect((await app.exited).code).toBe(0);
    const records = app.records;
    expect(records.map((r) => [r.severityText, r.severityNumber, r.body])).toEqual([
      ['info', 9, 'order placed'],
      ['audit', 11, 'card updated'],
      ['error', 17, 'charge failed'],
    ]);
    expect(records[0].attributes).toEqual({ component: 'checkout', orderId: 'o-1001', amount: 120.5 });
    // pino's own redaction still applies: podlog sends what pino wrote.
    expect(records[1].attributes).toEqual({
      component: 'checkout',
      user: 'u-7',
      card: { number: '[Redacted]' },
    });
    expect(records[2].attributes).toMatchObject({
      component: 'checkout',
      'exception.type': 'Error',
      'exception.message': 'card expired',
      'exception.code': 'E_CARD',
    });
    expect(records.every((r) => r.resource['service.name'] === 'checkout-svc')).toBe(true);
    expect(records.every((r) => r.timeUnixNano > 0n)).toBe(true);
  });
});
