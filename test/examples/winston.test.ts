import { afterEach, describe, expect, it } from 'vitest';
import { type RunningExample, startExample } from './run-example.js';

describe('examples/winston', () => {
  let app: RunningExample | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('an existing winston app ships its records through the one added transport, and still prints', async () => {
    app = await startExample('examples/winston/app.ts', { OTEL_SERVICE_NAME: 'billing-svc' });
    expect((await app.exited).code).toBe(0);
    // Console output unchanged (winston's own JSON lines).
    expect(app.stdout.map((l) => JSON.parse(l).message)).toEqual([
      'invoice INV-1001 created',
      'customer has overdue invoices',
      'charge failed card expired',
    ]);
    const records = app.records;
    expect(records.map((r) => [r.severityText, r.body])).toEqual([
      ['info', 'invoice INV-1001 created'],
      ['warn', 'customer has overdue invoices'],
      ['error', 'charge failed card expired'],
    ]);
    expect(records[0].attributes).toEqual({ component: 'billing', amount: 120.5, currency: 'EUR' });
    expect(records[2].attributes).toMatchObject({
      'exception.message': 'card expired',
      component: 'billing',
    });
    // format.timestamp() is the record time.
    const stamped = JSON.parse(app.stdout[0]).timestamp as string;
    expect(new Date(Number(records[0].timeUnixNano / 1_000_000n)).toISOString()).toBe(stamped);
    expect(records.every((r) => r.resource['service.name'] === 'billing-svc')).toBe(true);
  });
});
