/**
 * The demo app: a handful of varied records. Where they go comes from the environment
 * (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, default http://localhost:4318/v1/logs, where
 * `podlog receive` listens).
 */
import { createLogger } from 'podlog';

const log = createLogger({ serviceName: 'demo-shop', name: 'checkout' });

log.info('service started', { version: '1.4.2', port: 8080 });

// A request-scoped child logger: every record it writes carries these fields.
const req = log.child({ requestId: 'req-7f3a', route: 'POST /orders' });
req.info('order placed', {
  orderId: 1001,
  total: 59.9,
  items: [
    { sku: 'TEA-GREEN', qty: 2 },
    { sku: 'MUG-BLUE', qty: 1 },
  ],
  giftWrap: false,
});
req.warn('payment provider slow', { provider: 'acme-pay', durationMs: 1830 });

try {
  JSON.parse('{"cart": [1, 2,');
} catch (err) {
  // The Error becomes exception.type / exception.message / exception.stacktrace.
  req.error(err as Error, 'could not read the saved cart');
}

// An event: a record with an OTLP event name.
log.event('checkout.completed', { orderId: 1001, amount: 59.9, currency: 'EUR' });

await log.shutdown();
