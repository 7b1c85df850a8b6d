/**
 * winston's own conformance suite for transports (`abstract-winston-transport`), run against
 * PodlogTransport. The suite is written for mocha: it calls the globals `describe`, `it`,
 * `beforeEach`, `afterEach` and `after`, and its tests take a `done` callback. vitest has no
 * `done` and no `after`, so the globals are bridged here: a callback-style function becomes one
 * that returns a promise settled by `done(err?)`.
 */
import { createRequire } from 'node:module';
import { createTestLogger } from 'podlog/testing';
import { PodlogTransport } from 'podlog/winston';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

type MochaFn = (this: unknown, done?: (err?: unknown) => void) => unknown;

/** A mocha-style function (maybe taking `done`) as a promise-returning one vitest can run. */
function bridge(fn: MochaFn): () => unknown {
  if (fn.length === 0) return () => fn.call({});
  return () =>
    new Promise<void>((resolve, reject) => {
      fn.call({}, (err?: unknown) => (err ? reject(err) : resolve()));
    });
}

const MOCHA_GLOBALS = {
  describe: (name: string, body: () => void) => describe(name, body),
  it: (name: string, fn: MochaFn) => it(name, bridge(fn)),
  beforeEach: (fn: MochaFn) => beforeEach(bridge(fn)),
  afterEach: (fn: MochaFn) => afterEach(bridge(fn)),
  after: (fn: MochaFn) => afterAll(bridge(fn)),
};

const require = createRequire(import.meta.url);
const abstractTransportSuite = require('abstract-winston-transport') as (options: object) => void;

const loggers: Array<ReturnType<typeof createTestLogger>> = [];

// vitest runs a describe body while collecting, possibly after this module's top level returns,
// so the bridged globals stay installed for this file (its own worker) until the suite is done.
const g = globalThis as Record<string, unknown>;
const saved = new Map(Object.keys(MOCHA_GLOBALS).map((name) => [name, g[name]]));
Object.assign(g, MOCHA_GLOBALS);

describe('abstract-winston-transport suite', () => {
  abstractTransportSuite({
    name: 'PodlogTransport',
    Transport: PodlogTransport,
    // A fresh capture logger per test: the suite's records must reach podlog, not the network.
    construct: () => {
      const test = createTestLogger();
      loggers.push(test);
      return { logger: test.logger };
    },
  });

  afterAll(() => {
    for (const [name, value] of saved) g[name] = value;
    // The suite logs three records ('foo'), with and without a callback: each reached podlog.
    expect(loggers.flatMap((t) => t.records.map((r) => r.body))).toEqual(['foo', 'foo', 'foo']);
  });
});
