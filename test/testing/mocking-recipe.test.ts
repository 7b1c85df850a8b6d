// The module-mocking recipe of docs/testing.md, kept working: vi.mock swaps the app's shared logger for a
// test logger, and the test asserts on what the app logged.
import { expect, it, vi } from 'vitest';

const capture = vi.hoisted(() => ({ records: [] as unknown[] }));
vi.mock('./fixtures/log.js', async () => {
  const { createTestLogger } = await import('podlog/testing');
  const test = createTestLogger();
  capture.records = test.records;
  return { log: test.logger };
});

import { placeOrder } from './fixtures/orders.js';

it('logs the order through the mocked logger', () => {
  placeOrder({ id: 'o-1' });
  expect(capture.records).toContainEqual(
    expect.objectContaining({ body: 'order placed', attributes: { orderId: 'o-1' } }),
  );
});
