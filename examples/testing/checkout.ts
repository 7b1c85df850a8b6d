/**
 * The app module under test: it gets its logger and its payment client injected, so a unit test
 * can pass a test logger (podlog/testing) and the real HTTP client against msw.
 */
import type { Logger } from 'podlog';

export interface CheckoutDeps {
  logger: Logger;
  /** Base URL of the payment API. */
  paymentsUrl: string;
}

export interface Order {
  id: string;
  amount: number;
}

export function createCheckout({ logger, paymentsUrl }: CheckoutDeps) {
  const log = logger.child({ component: 'checkout' });
  return {
    async placeOrder(order: Order): Promise<'paid' | 'declined'> {
      const res = await fetch(`${paymentsUrl}/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: order.id, amount: order.amount }),
      });
      if (res.status === 402) {
        log.warn('payment declined', { orderId: order.id, amount: order.amount });
        return 'declined';
      }
      if (!res.ok) {
        const err = new Error(`payment API answered ${res.status}`);
        log.error(err, { orderId: order.id });
        throw err;
      }
      log.info('order paid', { orderId: order.id, amount: order.amount });
      log.event('order.paid', { orderId: order.id });
      return 'paid';
    },
  };
}
