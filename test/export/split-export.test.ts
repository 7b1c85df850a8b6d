import { describe, expect, it } from 'vitest';
import type { FaultRequest } from '../helpers/fault-server.js';
import {
  canonical,
  decodeIndependentProtobuf,
  encodeIndependent,
  flatRecords,
  makeBatch,
  makeRequest,
  scopeRecords,
} from '../helpers/otlp-independent.js';
import { makeExporter, useFaultServer } from './helpers/setup.js';

function recordCount(r: FaultRequest): number {
  return flatRecords(decodeIndependentProtobuf(r.body)).length;
}

describe('http exporter: 413 and the request size cap', () => {
  const server = useFaultServer();

  it('413: splits in halves until the server takes them; every record delivered exactly once', async () => {
    server().fallback = (req) => (recordCount(req) > 2 ? { status: 413 } : { status: 200 });
    const { exporter, counters } = makeExporter({ endpoint: server().endpoint });
    const request = makeRequest({ layout: [[4, 3], [2]] });
    const outcome = await exporter.export({ id: 'big', count: 9, body: encodeIndependent(request) });
    expect(outcome).toEqual({ exported: 9, dropped: {}, undelivered: [] });
    const accepted = server().requests.filter((r) => 'status' in r.action && r.action.status === 200);
    const received = accepted.flatMap((r) => flatRecords(decodeIndependentProtobuf(r.body)));
    expect(received).toEqual(flatRecords(canonical(request)));
    // Part ids derive from the batch id, so a replayed spool batch splits into the same ids.
    expect(server().requests[0].headers['podlog-batch-id']).toBe('big');
    expect(accepted.every((r) => /^big(\.[01])+$/.test(String(r.headers['podlog-batch-id'])))).toBe(true);
    expect(counters.retries).toBe(0);
  });

  it('413 for a single record: that record is dropped as too_large, the rest delivered', async () => {
    const request = makeRequest({ layout: [[3]] });
    scopeRecords(request).splice(1, 0, scopeRecords(makeRequest({ layout: [[1]], pad: 3000 }))[0]);
    server().fallback = (req) => (req.body.length > 2000 ? { status: 413 } : { status: 200 });
    const { exporter, lines } = makeExporter({ endpoint: server().endpoint });
    const outcome = await exporter.export({ id: 'one-big', count: 4, body: encodeIndependent(request) });
    expect(outcome.exported).toBe(3);
    expect(outcome.dropped).toEqual({ too_large: 1 });
    expect(outcome.undelivered).toEqual([]);
    expect(lines.some((l) => l.includes('dropped 1 record (HTTP 413 for a single record)'))).toBe(true);
  });

  it('a part of a split that later fails comes back undelivered, the rest is exported', async () => {
    let n = 0;
    server().fallback = (req) => {
      n++;
      if (n === 1) return { status: 413 };
      return req.headers['podlog-batch-id'] === 'mix.1' ? { status: 503 } : { status: 200 };
    };
    const { exporter } = makeExporter({ endpoint: server().endpoint, retry: { maxAttempts: 2 } });
    const outcome = await exporter.export(makeBatch('mix', { layout: [[4]] }));
    expect(outcome.exported).toBe(2);
    expect(outcome.undelivered.map((b) => [b.id, b.count])).toEqual([['mix.1', 2]]);
    expect(flatRecords(decodeIndependentProtobuf(outcome.undelivered[0].body))).toHaveLength(2);
  });

  it('cuts a batch over maxRequestBytes into requests within the cap (before compression)', async () => {
    const { exporter } = makeExporter({
      endpoint: server().endpoint,
      maxRequestBytes: 4096,
      compression: 'gzip',
    });
    const request = makeRequest({ layout: [[30], [10]], pad: 300 });
    const body = encodeIndependent(request);
    expect(body.length).toBeGreaterThan(4096 * 3);
    const outcome = await exporter.export({ id: 'cap', count: 40, body });
    expect(outcome).toEqual({ exported: 40, dropped: {}, undelivered: [] });
    expect(server().requests.length).toBeGreaterThan(3);
    for (const r of server().requests) expect(r.body.length).toBeLessThanOrEqual(4096);
    const received = server().requests.flatMap((r) => flatRecords(decodeIndependentProtobuf(r.body)));
    expect(received).toEqual(flatRecords(canonical(request)));
  });

  it('a record over maxRequestBytes on its own is dropped as too_large without being sent', async () => {
    const request = makeRequest({ layout: [[2]] });
    scopeRecords(request).push(scopeRecords(makeRequest({ layout: [[1]], pad: 5000 }))[0]);
    const { exporter } = makeExporter({ endpoint: server().endpoint, maxRequestBytes: 2048 });
    const outcome = await exporter.export({ id: 'o', count: 3, body: encodeIndependent(request) });
    expect(outcome).toMatchObject({ exported: 2, dropped: { too_large: 1 }, undelivered: [] });
    expect(server().requests.every((r) => r.body.length <= 2048)).toBe(true);
    const single = makeBatch('single', { layout: [[1]], pad: 5000 });
    expect(await exporter.export(single)).toMatchObject({ exported: 0, dropped: { too_large: 1 } });
  });

  it('http/json: a request whose JSON exceeds the cap is halved until it fits', async () => {
    const { exporter } = makeExporter({
      endpoint: server().endpoint,
      protocol: 'http/json',
      maxRequestBytes: 3000,
    });
    const batch = makeBatch('j', { layout: [[8]] });
    expect(batch.body.length).toBeLessThan(3000);
    const outcome = await exporter.export(batch);
    expect(outcome).toEqual({ exported: 8, dropped: {}, undelivered: [] });
    expect(server().requests.length).toBeGreaterThan(1);
    for (const r of server().requests) expect(r.body.length).toBeLessThanOrEqual(3000);
    expect(server().records()).toHaveLength(8);
  });
});
