/**
 * PodlogTransport takes createLogger's options flat (`{ endpoint, serviceName }`), validated as
 * createLogger validates them, and a bare transport takes `service.name` from winston's
 * `defaultMeta.service`. Records go to a real OTLP receiver on 127.0.0.1.
 */
import { InvalidOptionError, UnknownOptionError } from 'podlog';
import { createTestLogger } from 'podlog/testing';
import { PodlogTransport, type PodlogTransportOptions } from 'podlog/winston';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { createLogger } from '../../src/logger/index.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';

let receiver: TestReceiver;
const transports: PodlogTransport[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await receiver.close();
});

/** Options that keep the test to itself: no env, no volume, no stdout, no exit hooks. */
function quiet(extra: PodlogTransportOptions = {}): PodlogTransportOptions {
  return { env: {}, podinfoDir: false, handleExit: false, diagnostics: false, ...extra };
}

function transport(options: PodlogTransportOptions): PodlogTransport {
  const t = new PodlogTransport(options);
  transports.push(t);
  return t;
}

async function send(w: winston.Logger, t: PodlogTransport, message: string) {
  w.info(message, { orderId: 7 });
  await t.flush();
  return receiver.records();
}

describe('PodlogTransport: createLogger options given flat', () => {
  it('endpoint and serviceName are used, not ignored', async () => {
    const t = transport(quiet({ endpoint: receiver.endpoint, serviceName: 'checkout' }));
    const w = winston.createLogger({ transports: [t] });
    const records = await send(w, t, 'order placed');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ body: 'order placed', attributes: { orderId: 7n } });
    expect(records[0].resource['service.name']).toBe('checkout');
  });

  it("a bare transport takes service.name from the winston logger's defaultMeta.service", async () => {
    const t = transport(quiet({ endpoint: receiver.endpoint }));
    const w = winston.createLogger({ defaultMeta: { service: 'orders' }, transports: [t] });
    const records = await send(w, t, 'from orders');
    expect(records[0].resource['service.name']).toBe('orders');
    // defaultMeta stays on the record too, as winston put it there.
    expect(records[0].attributes.service).toBe('orders');
  });

  it('serviceName wins over defaultMeta.service; defaultMeta.service wins over OTEL_SERVICE_NAME', async () => {
    const named = transport(quiet({ endpoint: receiver.endpoint, serviceName: 'explicit' }));
    const w1 = winston.createLogger({ defaultMeta: { service: 'meta' }, transports: [named] });
    await send(w1, named, 'one');
    const fromEnv = transport(quiet({ endpoint: receiver.endpoint, env: { OTEL_SERVICE_NAME: 'env-name' } }));
    const w2 = winston.createLogger({ defaultMeta: { service: 'meta' }, transports: [fromEnv] });
    await send(w2, fromEnv, 'two');
    const noMeta = transport(quiet({ endpoint: receiver.endpoint, env: { OTEL_SERVICE_NAME: 'env-name' } }));
    const w3 = winston.createLogger({ transports: [noMeta] });
    await send(w3, noMeta, 'three');
    const byBody = Object.fromEntries(receiver.records().map((r) => [r.body, r.resource['service.name']]));
    expect(byBody).toEqual({ one: 'explicit', two: 'meta', three: 'env-name' });
  });

  it('the winston `level` stays the transport filter; the created logger takes every level', async () => {
    const t = transport(quiet({ endpoint: receiver.endpoint, level: 'warn' }));
    const w = winston.createLogger({ level: 'silly', transports: [t] });
    w.debug('filtered by the transport');
    w.warn('kept');
    w.error('kept too');
    await t.flush();
    expect(receiver.records().map((r) => r.body)).toEqual(['kept', 'kept too']);
    expect(t.logger.level).toBe('trace');
  });

  it('loggerOptions (the 0.1 form) still works; flat options win over it', async () => {
    const t = transport(
      quiet({
        loggerOptions: { endpoint: 'http://127.0.0.1:9/v1/logs', serviceName: 'old' },
        endpoint: receiver.endpoint,
      }),
    );
    const w = winston.createLogger({ transports: [t] });
    const records = await send(w, t, 'merged');
    expect(records.map((r) => [r.body, r.resource['service.name']])).toEqual([['merged', 'old']]);
  });
});

describe('PodlogTransport: bad options fail at construction, as createLogger fails', () => {
  /** The error a constructor throws (fails the test when it does not throw). */
  function thrown(make: () => unknown): Error {
    try {
      make();
    } catch (err) {
      return err as Error;
    }
    throw new Error('expected a throw');
  }

  it('an unknown option is refused with a suggestion', () => {
    const err = thrown(() => new PodlogTransport({ endpiont: receiver.endpoint } as PodlogTransportOptions));
    expect(err).toBeInstanceOf(UnknownOptionError);
    expect(err).toMatchObject({ code: 'PODLOG_UNKNOWN_OPTION', option: 'endpiont', suggestion: 'endpoint' });
    expect(err.message).toMatch(/invalid option endpiont: got an unknown option \(did you mean endpoint\?\)/);
  });

  it('a bad podlog option throws the same error createLogger throws', () => {
    for (const bad of [
      { endpoint: 'ftp://collector:4318' },
      { serviceName: '' },
      { queue: { maxRecords: -1 } },
      { stdout: 'yaml' },
    ] as PodlogTransportOptions[]) {
      const fromTransport = thrown(() => new PodlogTransport({ ...bad, env: {} }));
      const fromCreateLogger = thrown(() => createLogger({ ...(bad as object), env: {} }));
      expect(fromTransport).toBeInstanceOf(InvalidOptionError);
      expect(fromTransport.message).toBe(fromCreateLogger.message);
    }
  });

  it('holdAt outside (0, 1] is refused', () => {
    for (const holdAt of [0, 1.5, Number.NaN, '0.5']) {
      const err = thrown(() => new PodlogTransport({ holdAt } as PodlogTransportOptions));
      expect(err).toMatchObject({ code: 'PODLOG_INVALID_OPTION', option: 'holdAt' });
    }
  });

  it('podlog options together with `logger` are refused, not ignored', () => {
    const test = createTestLogger();
    const err = thrown(() => new PodlogTransport({ logger: test.logger, endpoint: receiver.endpoint }));
    expect(err).toMatchObject({ code: 'PODLOG_INVALID_OPTION', option: 'endpoint' });
    expect(err.message).toMatch(/no podlog options together with `logger`/);
    const old = thrown(
      () => new PodlogTransport({ logger: test.logger, loggerOptions: { serviceName: 'x' } }),
    );
    expect(old).toMatchObject({ option: 'loggerOptions' });
  });
});
