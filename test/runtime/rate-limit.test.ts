import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import type { InvalidOptionError } from '../../src/errors.js';
import { createLogger } from '../../src/index.js';
import { EMIT_FOREIGN } from '../../src/logger/index.js';
import type { StatsSnapshot } from '../../src/stats.js';
import { createTestLogger, type TestRecord } from '../../src/testing/index.js';
import { startReceiver } from '../helpers/receiver.js';

const INTERVAL = 1000;
const LIMIT = 10;

function limited(options: { exemptErrors?: boolean; maxKeys?: number } = {}) {
  return createTestLogger({
    rateLimit: { perTemplate: { records: LIMIT, intervalMs: INTERVAL }, ...options },
  });
}

const summaries = (records: TestRecord[]) =>
  records.filter((r) => r.attributes['podlog.suppressed'] !== undefined);
const plain = (records: TestRecord[]) =>
  records.filter((r) => r.attributes['podlog.suppressed'] === undefined);

function expectBalanced(s: StatsSnapshot): void {
  expect(s.accepted + s.recovered).toBe(s.exported + s.queued + s.spooled + s.dropped.total);
  expect(s.dropped.total).toBe(0);
}

describe('rate limiter (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('100,000 identical warnings: the limit, then one summary when the interval ends, with the exact count', () => {
    const { logger, records } = limited();
    for (let i = 0; i < 100_000; i++) logger.warn('upstream slow', { i });
    expect(records).toHaveLength(LIMIT);
    expect(records.map((r) => r.attributes.i)).toEqual([...Array(LIMIT).keys()]);
    expect(logger.stats().suppressed).toBe(100_000 - LIMIT);

    // No further call for that key: the timer alone writes the summary.
    vi.advanceTimersByTime(INTERVAL);
    expect(records).toHaveLength(LIMIT + 1);
    const [summary] = summaries(records);
    expect(summary).toMatchObject({
      level: 'warn',
      severityText: 'WARN',
      body: `podlog suppressed ${100_000 - LIMIT} WARN records: upstream slow`,
      attributes: {
        'podlog.suppressed': 100_000 - LIMIT,
        'podlog.suppressed.template': 'upstream slow',
        'podlog.suppressed.severity': 'WARN',
        'podlog.suppressed.interval_ms': INTERVAL,
      },
    });
    // Nothing more is due: no second summary.
    vi.advanceTimersByTime(10 * INTERVAL);
    expect(records).toHaveLength(LIMIT + 1);
    const s = logger.stats();
    expect(s).toMatchObject({ accepted: LIMIT + 1, exported: LIMIT + 1, suppressed: 100_000 - LIMIT });
    expectBalanced(s);
  });

  it('a storm across intervals: the limit plus one summary per interval, exact counts', () => {
    const { logger, records } = limited();
    const intervals = 10;
    const perInterval = 100_000 / intervals;
    for (let i = 0; i < 100_000; i++) {
      if (i > 0 && i % perInterval === 0) vi.advanceTimersByTime(INTERVAL);
      logger.warn('upstream slow');
    }
    vi.advanceTimersByTime(INTERVAL);
    expect(plain(records)).toHaveLength(intervals * LIMIT);
    expect(summaries(records).map((r) => r.attributes['podlog.suppressed'])).toEqual(
      Array(intervals).fill(perInterval - LIMIT),
    );
    // Each interval's summary comes before the next interval's records.
    const pattern = records
      .map((r) => (r.attributes['podlog.suppressed'] === undefined ? 'r' : 'S'))
      .join('');
    expect(pattern).toBe(`${'r'.repeat(LIMIT)}S`.repeat(intervals));
    expect(logger.stats().suppressed).toBe(100_000 - intervals * LIMIT);
  });

  it('different templates, severities and logger names are limited separately; fields and argument order are not part of the key', () => {
    const { logger, records } = limited();
    const db = logger.child({ pool: 'main' }, { name: 'db' });
    for (let i = 0; i < 50; i++) {
      logger.warn('a', { i });
      logger.warn({ i }, 'a'); // pino order, same template
      logger.warn('b');
      logger.info('a');
      db.warn('a');
    }
    const count = (scope: string, level: string, body: string) =>
      plain(records).filter((r) => r.scope === scope && r.level === level && r.body === body).length;
    expect(count('', 'warn', 'a')).toBe(LIMIT);
    expect(count('', 'warn', 'b')).toBe(LIMIT);
    expect(count('', 'info', 'a')).toBe(LIMIT);
    expect(count('db', 'warn', 'a')).toBe(LIMIT);
    vi.advanceTimersByTime(INTERVAL);
    const got = summaries(records).map((r) => [
      r.scope,
      r.severityText,
      r.attributes['podlog.suppressed.template'],
      r.attributes['podlog.suppressed'],
    ]);
    expect(got).toHaveLength(4);
    expect(got).toEqual(
      expect.arrayContaining([
        ['', 'WARN', 'a', 100 - LIMIT],
        ['', 'WARN', 'b', 50 - LIMIT],
        ['', 'INFO', 'a', 50 - LIMIT],
        ['db', 'WARN', 'a', 50 - LIMIT],
      ]),
    );
    // The summary carries the key's logger name but no per-call bindings.
    expect(summaries(records).find((r) => r.scope === 'db')?.attributes.pool).toBeUndefined();
  });

  it('errors and fatals pass when exempt (the default), and are limited when not', () => {
    const exempt = limited();
    for (let i = 0; i < 100; i++) {
      exempt.logger.error('db down');
      exempt.logger.fatal('dying');
    }
    expect(exempt.records).toHaveLength(200);
    expect(exempt.logger.stats().suppressed).toBe(0);

    const strict = limited({ exemptErrors: false });
    for (let i = 0; i < 100; i++) strict.logger.error(new Error('db down'));
    expect(strict.records).toHaveLength(LIMIT);
    vi.advanceTimersByTime(INTERVAL);
    expect(summaries(strict.records)[0].attributes['podlog.suppressed']).toBe(100 - LIMIT);
  });

  it('flush writes pending summaries at once; the window goes on', async () => {
    const { logger, records } = limited();
    for (let i = 0; i < 25; i++) logger.warn('w');
    await logger.flush();
    expect(summaries(records).map((r) => r.attributes['podlog.suppressed'])).toEqual([15]);
    for (let i = 0; i < 5; i++) logger.warn('w'); // same window: still over the limit
    vi.advanceTimersByTime(INTERVAL);
    expect(summaries(records).map((r) => r.attributes['podlog.suppressed'])).toEqual([15, 5]);
    expect(plain(records)).toHaveLength(LIMIT);
  });

  it('shutdown writes pending summaries before closing', async () => {
    const { logger, records } = limited();
    for (let i = 0; i < 12; i++) logger.info('i');
    await logger.shutdown();
    expect(summaries(records).map((r) => r.attributes['podlog.suppressed'])).toEqual([2]);
  });

  it('keeps at most maxKeys keys; the least recently used is forgotten, reporting its suppressed records first', () => {
    const { logger, records } = limited({ maxKeys: 2 });
    for (let i = 0; i < 12; i++) logger.warn('a');
    for (let i = 0; i < 12; i++) logger.warn('b');
    logger.warn('a'); // a is now the most recently used; b the least
    expect(summaries(records)).toHaveLength(0);
    logger.warn('c'); // evicts b
    expect(summaries(records).map((r) => [r.body, r.attributes['podlog.suppressed']])).toEqual([
      ['podlog suppressed 2 WARN records: b', 2],
    ]);
    // b starts afresh: a new key passes again.
    logger.warn('b'); // evicts a (its 3 suppressed are reported)
    expect(plain(records).filter((r) => r.body === 'b')).toHaveLength(LIMIT + 1);
    expect(summaries(records).map((r) => r.attributes['podlog.suppressed'])).toEqual([2, 3]);
  });

  it('templates longer than 1024 characters key on their head; calls without a message share one key', () => {
    const { logger, records } = limited();
    const head = 'x'.repeat(1024);
    for (let i = 0; i < 20; i++) logger.warn(`${head}${i}`); // differs only after the head: one key
    for (let i = 0; i < 20; i++) logger.warn({ i }); // no message: the '' key
    expect(plain(records)).toHaveLength(2 * LIMIT);
    vi.advanceTimersByTime(INTERVAL);
    expect(
      summaries(records).map((r) => [
        String(r.attributes['podlog.suppressed.template']).length,
        r.attributes['podlog.suppressed'],
      ]),
    ).toEqual([
      [1024, 20 - LIMIT],
      [0, 20 - LIMIT],
    ]);
  });

  it('records from integrations (winston, OTel bridge) are limited by their message', () => {
    const { logger, records } = limited();
    for (let i = 0; i < 20; i++)
      logger[EMIT_FOREIGN]({ severityNumber: 13, severityText: 'warn', body: 'from winston' });
    expect(records).toHaveLength(LIMIT);
    expect(logger.stats().suppressed).toBe(20 - LIMIT);
  });
});

describe('rate limiter options and end to end', () => {
  it('is off by default', () => {
    const { logger, records } = createTestLogger();
    for (let i = 0; i < 1000; i++) logger.warn('same');
    expect(records).toHaveLength(1000);
    expect(logger.stats().suppressed).toBe(0);
  });

  it.each([
    [{ perTemplate: { records: 0, intervalMs: 1000 } }, 'rateLimit.perTemplate.records'],
    [{ perTemplate: { records: 5, intervalMs: 1.5 } }, 'rateLimit.perTemplate.intervalMs'],
    [{ perTemplate: { records: 5, intervalMs: 1000 }, maxKeys: -1 }, 'rateLimit.maxKeys'],
    [{ perTemplate: { records: 5, intervalMs: 1000 }, exemptErrors: 'yes' }, 'rateLimit.exemptErrors'],
    [{}, 'rateLimit.perTemplate'],
  ])('rejects %j naming %s', (rateLimit, option) => {
    expect(() => resolveConfig({ env: {}, rateLimit: rateLimit as never })).toThrow(
      expect.objectContaining({ option }) as InvalidOptionError,
    );
  });

  it('through the real pipeline: the summary reaches the backend at shutdown; accounting stays balanced', async () => {
    const receiver = await startReceiver();
    try {
      const log = createLogger({
        endpoint: receiver.endpoint,
        env: {},
        diagnostics: false,
        rateLimit: { perTemplate: { records: 5, intervalMs: 60_000 } },
      });
      for (let i = 0; i < 1000; i++) log.warn('cache miss', { i });
      await log.shutdown();
      const s = log.stats();
      expect(s).toMatchObject({ accepted: 6, exported: 6, suppressed: 995 });
      expectBalanced(s);
      const got = receiver.records();
      expect(got.filter((r) => r.body === 'cache miss')).toHaveLength(5);
      expect(got.find((r) => r.attributes['podlog.suppressed'] !== undefined)?.attributes).toMatchObject({
        'podlog.suppressed': 995n,
        'podlog.suppressed.template': 'cache miss',
      });
    } finally {
      await receiver.close();
    }
  });
});
