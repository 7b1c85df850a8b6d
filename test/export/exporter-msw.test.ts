import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { decodeIndependentJson, decodeIndependentProtobuf, makeBatch } from '../helpers/otlp-independent.js';
import { createFetchTransport } from './helpers/fetch-transport.js';
import { closeExporters, makeExporter } from './helpers/setup.js';

const ENDPOINT = 'http://collector.podlog.test/v1/logs';
const mock = setupServer();

function exporterFor(options: Parameters<typeof makeExporter>[0] = {}) {
  return makeExporter({ endpoint: ENDPOINT, ...options }, {}, { transport: createFetchTransport(ENDPOINT) });
}

describe('exporter request-level behaviour (msw)', () => {
  beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }));
  afterEach(async () => {
    mock.resetHandlers();
    await closeExporters();
  });
  afterAll(() => mock.close());

  it('sends user-agent, batch id, content type and the user headers', async () => {
    const seen: Headers[] = [];
    mock.use(
      http.post(ENDPOINT, ({ request }) => {
        seen.push(request.headers);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const { exporter } = exporterFor({ headers: { 'x-api-key': 'k' } });
    await exporter.export(makeBatch('m-1'));
    expect(seen).toHaveLength(1);
    expect(seen[0].get('user-agent')).toBe(`podlog/${VERSION}`);
    expect(seen[0].get('podlog-batch-id')).toBe('m-1');
    expect(seen[0].get('content-type')).toBe('application/x-protobuf');
    expect(seen[0].get('x-api-key')).toBe('k');
  });

  it('a network error is retried, then the batch is delivered', async () => {
    let calls = 0;
    mock.use(
      http.post(ENDPOINT, () => {
        calls++;
        return calls === 1 ? HttpResponse.error() : new HttpResponse(null, { status: 200 });
      }),
    );
    const { exporter, counters } = exporterFor();
    expect(await exporter.export(makeBatch('net'))).toEqual({ exported: 3, dropped: {}, undelivered: [] });
    expect(calls).toBe(2);
    expect(counters.retries).toBe(1);
  });

  it('protobuf and JSON requests carry the same records', async () => {
    const bodies: Array<{ type: string | null; bytes: Uint8Array }> = [];
    mock.use(
      http.post(ENDPOINT, async ({ request }) => {
        bodies.push({
          type: request.headers.get('content-type'),
          bytes: new Uint8Array(await request.arrayBuffer()),
        });
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const batch = makeBatch('same', { layout: [[2, 1]] });
    await exporterFor().exporter.export(batch);
    await exporterFor({ protocol: 'http/json' }).exporter.export(batch);
    expect(bodies.map((b) => b.type)).toEqual(['application/x-protobuf', 'application/json']);
    expect(decodeIndependentJson(Buffer.from(bodies[1].bytes).toString())).toEqual(
      decodeIndependentProtobuf(bodies[0].bytes),
    );
  });

  it('503 with Retry-After, then partial success in JSON', async () => {
    let calls = 0;
    mock.use(
      http.post(ENDPOINT, () => {
        calls++;
        if (calls === 1) return new HttpResponse(null, { status: 503, headers: { 'retry-after': '0' } });
        return HttpResponse.json({ partialSuccess: { rejectedLogRecords: 2, errorMessage: 'quota' } });
      }),
    );
    const { exporter } = exporterFor({ protocol: 'http/json' });
    const outcome = await exporter.export(makeBatch('ps', { layout: [[5]] }));
    expect(outcome).toMatchObject({ exported: 3, dropped: { rejected: 2 }, undelivered: [] });
    expect(calls).toBe(2);
  });

  it('a 4xx is final: one request, dropped as rejected', async () => {
    let calls = 0;
    mock.use(
      http.post(ENDPOINT, () => {
        calls++;
        return HttpResponse.text('schema violation', { status: 400 });
      }),
    );
    const { exporter, lines } = exporterFor();
    const outcome = await exporter.export(makeBatch('poison'));
    expect(outcome).toMatchObject({ exported: 0, dropped: { rejected: 3 }, undelivered: [] });
    expect(lines.join('\n')).toContain('3 record(s) refused (HTTP 400: schema violation)');
    expect(calls).toBe(1);
  });
});
