/**
 * How an app's unit test asserts on its logs: inject a podlog test logger, mock the app's HTTP
 * dependency with msw, and check the records. No network, no backend.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { createTestLogger } from 'podlog/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCheckout } from './checkout.js';

const paymentsUrl = 'http://payments.test';
const server = setupServer(http.post(`${paymentsUrl}/charges`, () => HttpResponse.json({ ok: true })));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('checkout logs', () => {
  it('logs a paid order and its event', async () => {
    const { logger, find } = createTestLogger();
    const checkout = createCheckout({ logger, paymentsUrl });
    expect(await checkout.placeOrder({ id: 'o-1', amount: 25 })).toBe('paid');

    const [paid] = find('info', 'order paid');
    expect(paid.attributes).toEqual({ component: 'checkout', orderId: 'o-1', amount: 25 });
    expect(find().some((r) => r.eventName === 'order.paid')).toBe(true);
  });

  it('warns on a declined payment', async () => {
    server.use(http.post(`${paymentsUrl}/charges`, () => new HttpResponse(null, { status: 402 })));
    const { logger, records } = createTestLogger();
    expect(await createCheckout({ logger, paymentsUrl }).placeOrder({ id: 'o-2', amount: 99 })).toBe(
      'declined',
    );
    expect(records.map((r) => [r.level, r.body])).toEqual([['warn', 'payment declined']]);
  });

  it('logs the error with its stack when the payment API fails', async () => {
    server.use(http.post(`${paymentsUrl}/charges`, () => new HttpResponse(null, { status: 503 })));
    const { logger, find } = createTestLogger();
    await expect(
      createCheckout({ logger, paymentsUrl }).placeOrder({ id: 'o-3', amount: 5 }),
    ).rejects.toThrow('503');
    const [failure] = find('error');
    expect(failure.body).toBe('payment API answered 503');
    expect(failure.attributes).toMatchObject({ orderId: 'o-3', 'exception.type': 'Error' });
    expect(failure.attributes['exception.stacktrace']).toMatch(/checkout\.ts/);
  });
});
