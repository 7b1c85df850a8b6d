/**
 * PodlogLogRecordProcessor with the real sdk-logs LoggerProvider (not registered globally, so
 * these run in-process), and the scope/exception mapping of podlog's own Logs API provider.
 */
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { createLogger } from 'podlog';
import { PodlogLoggerProvider, PodlogLogRecordProcessor } from 'podlog/otel';
import { createTestLogger, type DecodedLogsRequest } from 'podlog/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Logger } from '../../src/logger/index.js';
import { startReceiver } from '../../src/testing/receiver.js';
import { SPAN } from '../helpers/otel-context.js';

const providers: LoggerProvider[] = [];
function sdkProvider(
  attributes: Record<string, string>,
  processor: PodlogLogRecordProcessor,
): LoggerProvider {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(attributes),
    processors: [processor],
  });
  providers.push(provider);
  return provider;
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
});

describe('PodlogLogRecordProcessor', () => {
  it('merges the SDK resource over podlog resource: SDK wins, except telemetry.sdk.* and a placeholder service.name', () => {
    const { logger, records } = createTestLogger({
      serviceName: 'from-podlog',
      resource: { 'k8s.pod.name': 'p-1', team: 'a' },
    });
    const placeholder = sdkProvider(
      {
        'service.name': 'unknown_service:node',
        'service.version': '3.1.0',
        'deployment.environment.name': 'prod',
        'telemetry.sdk.name': 'opentelemetry',
        'k8s.pod.name': 'sdk-pod',
      },
      new PodlogLogRecordProcessor(logger, { metrics: false }),
    );
    placeholder.getLogger('lib').emit({ severityNumber: SeverityNumber.INFO, body: 'one' });
    expect(records[0].resource).toMatchObject({
      'service.name': 'from-podlog',
      'service.version': '3.1.0',
      'deployment.environment.name': 'prod',
      'telemetry.sdk.name': 'podlog',
      'k8s.pod.name': 'sdk-pod',
      team: 'a',
    });
    const named = sdkProvider(
      { 'service.name': 'checkout' },
      new PodlogLogRecordProcessor(logger, { metrics: false }),
    );
    named.getLogger('lib').emit({ severityNumber: SeverityNumber.INFO, body: 'two' });
    expect(records[1].resource['service.name']).toBe('checkout');
  });

  it('encodes an SDK resource once and gives podlog own records the adopted resource', () => {
    const { logger, records } = createTestLogger({ serviceName: 'svc' });
    const processor = new PodlogLogRecordProcessor(logger, { metrics: false });
    const provider = sdkProvider({ 'service.version': '9' }, processor);
    const parts = Logger.otelPartsOf(logger);
    expect(parts?.adopted).toBe(false); // nothing adopted before the SDK's first record
    logger.info('before any SDK record');
    provider.getLogger('lib').emit({ body: 'first' });
    provider.getLogger('lib').emit({ body: 'second' });
    logger.info('after');
    const sdkResource = resourceFromAttributes({ 'service.version': '9' });
    const encoded = parts?.resource(sdkResource);
    expect(encoded).toBeTypeOf('object');
    expect(parts?.resource(sdkResource)).toBe(encoded); // encoded once, then the same object
    expect(parts?.adopted).toBe(true);
    expect(records.map((r) => [r.body, r.resource['service.version']])).toEqual([
      ['before any SDK record', undefined],
      ['first', '9'],
      ['second', '9'],
      ['after', '9'],
    ]);
  });

  it('keeps records below podlog level unless applyLevel is set (then enabled() says no)', () => {
    const { logger, records } = createTestLogger({ level: 'warn' });
    const keep = sdkProvider({}, new PodlogLogRecordProcessor(logger, { metrics: false })).getLogger('pino');
    const filter = sdkProvider(
      {},
      new PodlogLogRecordProcessor(logger, { metrics: false, applyLevel: true }),
    ).getLogger('pino');
    keep.emit({ severityNumber: SeverityNumber.DEBUG, body: 'kept' });
    expect(filter.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(false);
    filter.emit({ severityNumber: SeverityNumber.DEBUG, body: 'filtered' });
    filter.emit({ severityNumber: SeverityNumber.ERROR, body: 'error passes' });
    expect(records.map((r) => r.body)).toEqual(['kept', 'error passes']);
  });

  it('carries the span ids, times, exception attributes; forceFlush and shutdown reach podlog', async () => {
    const received: DecodedLogsRequest[] = [];
    const receiver = await startReceiver({ port: 0, write: null, onRequest: (r) => received.push(r) });
    try {
      const log = createLogger({ endpoint: receiver.endpoint, diagnostics: false, handleExit: false });
      const processor = new PodlogLogRecordProcessor(log, { metrics: false });
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'svc' }),
        processors: [processor],
      });
      provider
        .getLogger('db', '2.0.0', {
          schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
          attributes: { 'db.system': 'pg' },
        })
        .emit({
          severityNumber: SeverityNumber.ERROR,
          body: 'query failed',
          timestamp: [1_700_000_000, 5],
          context: trace.setSpanContext(ROOT_CONTEXT, SPAN),
          exception: new TypeError('bad row'),
        });
      await provider.forceFlush();
      expect(log.stats()).toMatchObject({ accepted: 1, exported: 1 });
      const sl = received[0].resourceLogs[0].scopeLogs[0];
      expect(sl.scope).toEqual({ name: 'db', version: '2.0.0', attributes: { 'db.system': 'pg' } });
      expect(sl.schemaUrl).toBe('https://opentelemetry.io/schemas/1.30.0');
      expect(sl.logRecords[0]).toMatchObject({
        body: 'query failed',
        traceId: SPAN.traceId,
        spanId: SPAN.spanId,
        timeUnixNano: 1_700_000_000_000_000_005n,
        attributes: { 'exception.type': 'TypeError', 'exception.message': 'bad row' },
      });
      await provider.shutdown();
      log.info('after shutdown');
      expect(log.stats().dropped.after_shutdown).toBe(1);
    } finally {
      await receiver.close();
    }
  });
});

describe('PodlogLoggerProvider scope and exception fidelity', () => {
  it('keeps scope attributes and schema URL apart per getLogger() identity', async () => {
    const received: DecodedLogsRequest[] = [];
    const receiver = await startReceiver({ port: 0, write: null, onRequest: (r) => received.push(r) });
    try {
      const log = createLogger({ endpoint: receiver.endpoint, diagnostics: false, handleExit: false });
      const provider = new PodlogLoggerProvider(log);
      const url = 'https://opentelemetry.io/schemas/1.26.0';
      provider.getLogger('lib', '1', { schemaUrl: url, attributes: { shard: 1 } }).emit({ body: 'a' });
      provider.getLogger('lib', '1', { schemaUrl: url, attributes: { shard: 2 } }).emit({ body: 'b' });
      provider.getLogger('lib', '1').emit({ body: 'c' });
      await log.shutdown();
      const scopes = received.flatMap((q) => q.resourceLogs.flatMap((rl) => rl.scopeLogs));
      expect(
        scopes.map((sl) => [sl.scope.attributes, sl.schemaUrl, sl.logRecords.map((r) => r.body)]),
      ).toEqual([
        [{ shard: 1 }, url, ['a']],
        [{ shard: 2 }, url, ['b']],
        [{}, '', ['c']],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('maps plain-object errors of pino/bunyan serializers to exception.* and keeps code', () => {
    const { logger, records } = createTestLogger();
    const provider = new PodlogLoggerProvider(logger);
    provider.getLogger('pino').emit({
      severityNumber: SeverityNumber.ERROR,
      body: 'connect failed',
      exception: {
        type: 'Error',
        message: 'connect ECONNREFUSED',
        stack: 'Error: connect ECONNREFUSED\n    at x',
        code: 'ECONNREFUSED',
      },
    } as never);
    expect(records[0].attributes).toEqual({
      'exception.type': 'Error',
      'exception.message': 'connect ECONNREFUSED',
      'exception.stacktrace': 'Error: connect ECONNREFUSED\n    at x',
      'exception.code': 'ECONNREFUSED',
    });
  });
});
