import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, RequestContext, runWithRequestContext } from '../../src/index.js';
import { EMIT_FOREIGN, recordSpanContext, TraceSampler } from '../../src/logger/index.js';
import { createTestLogger } from '../../src/testing/index.js';
import { installContextManager } from '../helpers/otel-context.js';

let uninstall: () => void;
beforeAll(() => {
  uninstall = installContextManager();
});
afterAll(() => uninstall());

// The real SDK's sampler decides by trace id: about half of the traces are sampled.
const provider = new BasicTracerProvider({ sampler: new TraceIdRatioBasedSampler(0.5) });
const tracer = provider.getTracer('sampling-test');

/** Logs one record per level in `n` root spans; returns whether each trace was sampled, by trace id. */
function logInSpans(log: ReturnType<typeof createTestLogger>['logger'], n: number): Map<string, boolean> {
  const sampled = new Map<string, boolean>();
  for (let i = 0; i < n; i++) {
    tracer.startActiveSpan(`op ${i}`, (span) => {
      const sc = span.spanContext();
      sampled.set(sc.traceId, (sc.traceFlags & 1) === 1);
      log.debug('debug', { i });
      log.info('info', { i });
      log.warn('warn', { i });
      log.error('error', { i });
      span.end();
    });
  }
  return sampled;
}

describe("sampling: 'trace' (OTel trace_based) with the SDK's TraceIdRatioBasedSampler", () => {
  it('skips records of unsampled traces below warn; keeps all others and counts the skipped', () => {
    const { logger, records } = createTestLogger({ level: 'debug', sampling: 'trace' });
    const sampled = logInSpans(logger, 200);
    const kept = [...sampled.values()].filter(Boolean).length;
    // The ratio sampler really split the traces (else the test proves nothing).
    expect(kept).toBeGreaterThan(40);
    expect(kept).toBeLessThan(160);
    for (const r of records) {
      const traceSampled = sampled.get(r.traceId as string);
      expect(typeof traceSampled, 'every record belongs to one of the traces').toBe('boolean');
      if (!traceSampled) expect(['warn', 'error']).toContain(r.level);
    }
    // Every record of a sampled trace arrived, and warn/error of the others.
    expect(records.length).toBe(kept * 4 + (200 - kept) * 2);
    expect(logger.stats().sampledOut).toBe((200 - kept) * 2);
    // Outside any span nothing is sampled out.
    logger.debug('no span');
    expect(records.at(-1)?.body).toBe('no span');
  });

  it('keepAtOrAbove sets the floor', () => {
    const { logger, records } = createTestLogger({
      level: 'debug',
      sampling: { mode: 'trace', keepAtOrAbove: 'error' },
    });
    const sampled = logInSpans(logger, 100);
    const kept = [...sampled.values()].filter(Boolean).length;
    for (const r of records) if (!sampled.get(r.traceId as string)) expect(r.level).toBe('error');
    expect(logger.stats().sampledOut).toBe((100 - kept) * 3);
  });

  it('applies to held tail records too: an unsampled request’s debug trail is not kept', () => {
    const { logger, records } = createTestLogger({ level: 'info', tail: true, sampling: 'trace' });
    const unsampled = new BasicTracerProvider({ sampler: new TraceIdRatioBasedSampler(0) }).getTracer('t');
    const ctx = new RequestContext({}, 'r');
    const buffer = logger.openTail(ctx);
    runWithRequestContext(ctx, () =>
      unsampled.startActiveSpan('op', (span) => {
        logger.debug('held?');
        logger.error('failed');
        span.end();
      }),
    );
    buffer?.end(true);
    expect(records.map((r) => r.body)).toEqual(['failed']);
    expect(logger.stats().sampledOut).toBe(1);
    expect(logger.stats().tail.buffered).toBe(0);
  });

  it('decides a bridged record by its own span context, not the span active where it is written', () => {
    const { logger, records } = createTestLogger({ level: 'debug', sampling: 'trace' });
    const own = (traceFlags: number) => ({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags,
    });
    const unsampled = new BasicTracerProvider({ sampler: new TraceIdRatioBasedSampler(0) }).getTracer('t');
    // Its own span is unsampled; none is active: skipped.
    logger[EMIT_FOREIGN]({
      severityNumber: 5,
      severityText: 'DEBUG',
      body: 'own unsampled',
      spanContext: own(0),
    });
    unsampled.startActiveSpan('op', (span) => {
      // Its own span is sampled, the active one is not: kept.
      logger[EMIT_FOREIGN]({
        severityNumber: 5,
        severityText: 'DEBUG',
        body: 'own sampled',
        spanContext: own(1),
      });
      // It says it has no span (`null`): not in a trace, kept whatever is active.
      logger[EMIT_FOREIGN]({ severityNumber: 5, severityText: 'DEBUG', body: 'no span', spanContext: null });
      // Bridged records whose source filtered them (`ignoreLevel`) are decided the same way.
      logger[EMIT_FOREIGN]({
        severityNumber: 5,
        severityText: 'DEBUG',
        body: 'bridged, own unsampled',
        spanContext: own(0),
        ignoreLevel: true,
      });
      span.end();
    });
    expect(records.map((r) => r.body)).toEqual(['own sampled', 'no span']);
    expect(logger.stats().sampledOut).toBe(2);
  });

  it('is off by default: unsampled traces keep every record', () => {
    const { logger, records } = createTestLogger({ level: 'debug' });
    const unsampled = new BasicTracerProvider({ sampler: new TraceIdRatioBasedSampler(0) }).getTracer('t');
    unsampled.startActiveSpan('op', (span) => {
      expect(trace.getActiveSpan()?.spanContext().traceFlags).toBe(0);
      logger.debug('kept');
      span.end();
    });
    expect(records.map((r) => r.body)).toEqual(['kept']);
    expect(logger.stats().sampledOut).toBe(0);
  });

  it('refuses bad sampling options naming them', () => {
    for (const [value, option] of [
      ['always', 'sampling'],
      [{ mode: 'ratio' }, 'sampling.mode'],
      [{ keepAtOrAbove: 'warn' }, 'sampling.mode'],
      [{ mode: 'trace', keepAtOrAbove: 'loud' }, 'sampling.keepAtOrAbove'],
      [true, 'sampling'],
    ] as const) {
      const make = () => createTestLogger({ sampling: value as never });
      expect(make).toThrow(InvalidOptionError);
      expect(make).toThrow(option);
    }
  });
});

describe('the span a record is sampled by', () => {
  const unsampled = { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 0 };
  const sampledSpan = { ...unsampled, traceFlags: 1 };

  it("is a bridged record's own span context when it gives one, never the active span", () => {
    let lookups = 0;
    const active = () => {
      lookups++;
      return sampledSpan;
    };
    expect(recordSpanContext(unsampled, active)).toBe(unsampled);
    // `null`: the record says it is in no span; the active span must not be used instead.
    expect(recordSpanContext(null, active)).toBeUndefined();
    expect(lookups).toBe(0);
    expect(recordSpanContext(undefined, active)).toBe(sampledSpan);
    expect(lookups).toBe(1);
  });

  it('TraceSampler.skips takes the span it is given: unsampled skipped and counted, no span kept', () => {
    const sampler = new TraceSampler(13);
    expect(sampler.skips(unsampled)).toBe(true);
    expect(sampler.skips(sampledSpan)).toBe(false);
    expect(sampler.skips(null)).toBe(false);
    expect(sampler.skips(undefined)).toBe(false);
    expect(sampler.skips({ ...unsampled, spanId: '0'.repeat(16) })).toBe(false);
    expect(sampler.sampledOut).toBe(1);
  });
});
