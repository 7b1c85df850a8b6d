import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { context, TraceFlags, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { traceContextFrom } from '../../src/logger/index.js';
import { installContextManager } from '../helpers/otel-context.js';
import { captureLogger } from '../helpers/record-capture.js';

afterEach(() => {
  context.disable();
});

describe('trace correlation', () => {
  it('puts the active span trace id, span id and flags on the record', () => {
    installContextManager();
    const { log, sink } = captureLogger();
    const span = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    context.with(trace.setSpan(context.active(), span), () => log.info('in span'));
    log.info('outside');
    const [inside, outside] = sink.decoded();
    expect(inside).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: 1,
    });
    expect(outside).toMatchObject({ traceId: '', spanId: '', flags: 0 });
  });

  it('ignores an invalid span context', () => {
    installContextManager();
    const { log, sink } = captureLogger();
    const span = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
    context.with(trace.setSpan(context.active(), span), () => log.info('x'));
    expect(sink.last().traceId).toBe('');
  });

  it('without the package (or with a broken one) there is no correlation and nothing throws', () => {
    const missing = traceContextFrom(() => {
      throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
    });
    expect(missing()).toBeUndefined();
    expect(traceContextFrom(() => ({}))()).toBeUndefined();
    const throwing = traceContextFrom(() => ({
      trace: {
        getActiveSpan() {
          throw new Error('broken');
        },
      },
    }));
    expect(throwing()).toBeUndefined();
  });

  it('logs normally in a process where @opentelemetry/api cannot be resolved', async () => {
    const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--require', `${dir}hide-otel-api.cjs`, '--import', 'tsx', `${dir}log-without-otel.ts`],
      { timeout: 20_000, cwd: fileURLToPath(new URL('../../', import.meta.url)) },
    );
    expect(JSON.parse(stdout)).toEqual({ apiLoadable: false, body: 'hello', traceId: '', count: 1 });
  });
});
