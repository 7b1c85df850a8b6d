import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import { ReplayPacer, resolveSpoolOptions } from '../../src/spool/index.js';

describe('spool options', () => {
  it('is off without a directory, on with spool.dir or PODLOG_SPOOL_DIR (code wins)', () => {
    expect(resolveSpoolOptions(undefined, {})).toBeUndefined();
    expect(resolveSpoolOptions(false, { PODLOG_SPOOL_DIR: '/x' })).toBeUndefined();
    expect(resolveSpoolOptions(undefined, { PODLOG_SPOOL_DIR: ' /var/spool ' })?.dir).toBe('/var/spool');
    expect(resolveSpoolOptions({ dir: '/a' }, { PODLOG_SPOOL_DIR: '/b' })?.dir).toBe('/a');
    expect(resolveConfig({ env: { PODLOG_SPOOL_DIR: '/s' } }).spool?.dir).toBe('/s');
  });

  it('defaults: 256 MiB, 24 h, interval durability every 250 ms', () => {
    expect(resolveSpoolOptions({ dir: '/a' }, {})).toMatchObject({
      maxBytes: 256 * 1024 * 1024,
      maxAgeMs: 24 * 3600_000,
      durability: 'interval',
      syncIntervalMs: 250,
      segmentBytes: 16 * 1024 * 1024,
      segmentAgeMs: 3600_000,
    });
  });

  it.each([
    [{ dir: '' }, 'spool.dir'],
    [{ dir: '/a', maxBytes: -1 }, 'spool.maxBytes'],
    [{ dir: '/a', durability: 'sometimes' }, 'spool.durability'],
    [{ dir: '/a', requestsPerSecond: 0 }, 'spool.requestsPerSecond'],
    [{ dir: '/a', maxAgeMs: 1.5 }, 'spool.maxAgeMs'],
    [{ dir: '/a', colour: 'red' }, 'spool.colour'],
    ['/a', 'spool'],
  ])('rejects %j naming %s', (value, option) => {
    expect(() => resolveSpoolOptions(value as never, {})).toThrow(InvalidOptionError);
    try {
      resolveSpoolOptions(value as never, {});
    } catch (err) {
      expect((err as InvalidOptionError).option).toBe(option);
    }
  });
});

describe('replay pacer', () => {
  it('spaces requests and bytes to the configured rates', () => {
    let now = 0;
    const p = new ReplayPacer({ requestsPerSecond: 2, bytesPerSecond: 1000 }, () => now);
    expect(p.delayFor(100)).toBe(0);
    expect(p.delayFor(100)).toBe(0);
    expect(p.delayFor(100)).toBe(500); // two tokens used; the third comes after 500 ms
    now += 500;
    expect(p.delayFor(100)).toBe(0);
    now += 10_000;
    expect(p.delayFor(1000)).toBe(0);
    expect(p.delayFor(1000)).toBeGreaterThan(0); // bytes ran out before requests
  });
});
