import { once } from 'node:events';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { OpenTelemetryTransportV3 } from '@opentelemetry/winston-transport';
import { createLogger } from 'podlog';
import { registerGlobalLoggerProvider, unregisterGlobalLoggerProvider } from 'podlog/otel';
import { createTestLogger } from 'podlog/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';
import { installContextManager, SPAN, withSpan } from '../helpers/otel-context.js';

describe('podlog/otel: podlog as the OpenTelemetry Logs API provider', () => {
  let uninstallContext: () => void;
  beforeEach(() => {
    uninstallContext = installContextManager();
  });
  afterEach(() => {
    unregisterGlobalLoggerProvider();
    uninstallContext();
  });

  it('maps severity, body, attributes, event name, time and the record context', () => {
    const { logger, records } = createTestLogger();
    registerGlobalLoggerProvider(logger);
    const otel = logs.getLogger('payments-lib', '1.2.3');
    otel.emit({
      severityNumber: SeverityNumber.WARN2,
      severityText: 'warning',
      body: 'card declined',
      attributes: { 'payment.id': 'p-1', attempts: 3, nested: { ok: false } },
      eventName: 'payment.declined',
      timestamp: [1_700_000_000, 123_456_789],
      observedTimestamp: new Date(1_700_000_001_000),
      context: trace.setSpanContext(ROOT_CONTEXT, SPAN),
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'warn',
      severityNumber: 14,
      severityText: 'warning',
      body: 'card declined',
      attributes: { 'payment.id': 'p-1', attempts: 3, nested: { ok: false } },
      eventName: 'payment.declined',
      scope: 'payments-lib',
      scopeVersion: '1.2.3',
      traceId: SPAN.traceId,
      spanId: SPAN.spanId,
      flags: 1,
      timeUnixNano: 1_700_000_000_123_456_789n,
      observedTimeUnixNano: 1_700_000_001_000_000_000n,
    });
  });

  it('takes the trace context from the active context when the record has none', () => {
    const { logger, records } = createTestLogger();
    registerGlobalLoggerProvider(logger);
    withSpan(() => logs.getLogger('lib').emit({ severityNumber: SeverityNumber.INFO, body: 'inside' }));
    logs.getLogger('lib').emit({ severityNumber: SeverityNumber.INFO, body: 'outside' });
    expect(records.map((r) => [r.body, r.traceId, r.spanId, r.severityText])).toEqual([
      ['inside', SPAN.traceId, SPAN.spanId, 'INFO'],
      ['outside', '', '', 'INFO'],
    ]);
  });

  it('by default keeps bridged records below podlog level (the source logger filtered them)', () => {
    const { logger, records } = createTestLogger({ level: 'warn' });
    registerGlobalLoggerProvider(logger);
    const otel = logs.getLogger('pino-bridge');
    expect(otel.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(true);
    otel.emit({ severityNumber: SeverityNumber.DEBUG, body: 'debug from pino' });
    logger.info('podlog call below its level');
    expect(records.map((r) => [r.body, r.level])).toEqual([['debug from pino', 'debug']]);
  });

  it('maps exceptions, follows the podlog level in emit() and enabled() with applyLevel', () => {
    const { logger, records } = createTestLogger({ level: 'warn' });
    registerGlobalLoggerProvider(logger, { applyLevel: true });
    const otel = logs.getLogger('lib');
    expect(otel.enabled({ severityNumber: SeverityNumber.INFO })).toBe(false);
    expect(otel.enabled({ severityNumber: SeverityNumber.ERROR })).toBe(true);
    otel.emit({ severityNumber: SeverityNumber.DEBUG, body: 'filtered' });
    otel.emit({
      severityNumber: SeverityNumber.ERROR,
      body: 'failed',
      exception: new TypeError('bad input'),
    });
    otel.emit({ severityNumber: SeverityNumber.FATAL, exception: 'plain string failure' });
    expect(records.map((r) => r.body)).toEqual(['failed', undefined]);
    expect(records[0].attributes).toMatchObject({
      'exception.type': 'TypeError',
      'exception.message': 'bad input',
    });
    expect(records[0].attributes['exception.stacktrace']).toMatch(/TypeError: bad input/);
    expect(records[1].attributes).toMatchObject({ 'exception.message': 'plain string failure' });
  });

  it('does not replace a provider that is already registered, and warns', async () => {
    const first = createTestLogger();
    const second = createTestLogger();
    registerGlobalLoggerProvider(first.logger);
    const warned = once(process, 'warning');
    registerGlobalLoggerProvider(second.logger);
    logs.getLogger('x').emit({ body: 'to the first' });
    const [warning] = (await warned) as [Error & { code?: string }];
    expect(warning.code).toBe('PODLOG_OTEL_PROVIDER_EXISTS');
    expect(first.records.map((r) => r.body)).toEqual(['to the first']);
    expect(second.records).toHaveLength(0);
  });

  describe('end to end', () => {
    let receiver: RunningReceiver;
    beforeEach(async () => {
      receiver = await startReceiver({ port: 0, write: null });
    });
    afterEach(async () => {
      await receiver.close();
    });

    it('records from the Logs API (directly and via an OTel winston transport) arrive at a receiver', async () => {
      const log = createLogger({ endpoint: receiver.endpoint, serviceName: 'otel-e2e', diagnostics: false });
      registerGlobalLoggerProvider(log);
      withSpan(() =>
        logs.getLogger('direct').emit({
          severityNumber: SeverityNumber.ERROR,
          severityText: 'ERROR',
          body: 'direct emit',
          attributes: { 'http.route': '/pay', retries: 2 },
        }),
      );
      // A library logging through OTel's own winston transport (what instrumentations do).
      const w = winston.createLogger({ level: 'info', transports: [new OpenTelemetryTransportV3()] });
      withSpan(() => w.warn('via otel winston transport', { orderId: 7 }));
      await log.flush();
      const received = receiver.records;
      expect(received.map((r) => [r.scope, r.severityNumber, r.body])).toEqual([
        ['direct', 17, 'direct emit'],
        ['@opentelemetry/winston-transport', 13, 'via otel winston transport'],
      ]);
      expect(received[0].attributes).toEqual({ 'http.route': '/pay', retries: 2 });
      expect(received[1].attributes).toMatchObject({ orderId: 7 });
      for (const r of received) {
        expect(r.traceId).toBe(SPAN.traceId);
        expect(r.spanId).toBe(SPAN.spanId);
        expect(r.resource['service.name']).toBe('otel-e2e');
      }
      await log.shutdown();
    });
  });
});
