/**
 * An existing winston app, switched to podlog by adding one transport. Every call site stays as
 * it is; the console output stays as it was; records now also go to the OTLP backend
 * (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_SERVICE_NAME`, … from the environment).
 */
import { PodlogTransport } from 'podlog/winston';
import winston from 'winston';

const podlog = new PodlogTransport(); // ← the one added line (and its import)

const logger = winston.createLogger({
  level: 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.splat(), winston.format.json()),
  defaultMeta: { component: 'billing' },
  transports: [new winston.transports.Console(), podlog],
});

logger.info('invoice %s created', 'INV-1001', { amount: 120.5, currency: 'EUR' });
logger.warn('customer has overdue invoices', { customerId: 'c-42', overdue: 3 });
logger.debug('not recorded: below the logger level');
logger.error('charge failed', new Error('card expired'));

// At exit, close the transport: it flushes podlog (and shuts down the logger it created).
await podlog.close();
