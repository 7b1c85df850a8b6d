/**
 * An existing pino app, switched to podlog by replacing its destination: one line. Every call
 * site stays as it is (levels, child loggers, errors, custom levels); records now go to the OTLP
 * backend (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_SERVICE_NAME`, … from the environment) with
 * podlog's batching, retries, disk spool and accounting. Nothing to call at exit: podlog flushes
 * before the process ends.
 */
import { pino } from 'pino';
import { podlogDestination } from 'podlog/pino';

const logger = pino(
  { level: 'info', customLevels: { audit: 35 }, redact: ['card.number'] },
  // was: pino.destination(1)
  podlogDestination(), // ← the one changed line (and its import)
);

const http = logger.child({ component: 'checkout' });
http.info({ orderId: 'o-1001', amount: 120.5 }, 'order placed');
http.audit({ user: 'u-7', card: { number: '4111 1111 1111 1111' } }, 'card updated');
logger.debug('not recorded: below the logger level');
http.error(Object.assign(new Error('card expired'), { code: 'E_CARD' }), 'charge failed');
