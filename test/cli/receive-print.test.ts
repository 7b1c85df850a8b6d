/**
 * What `podlog receive` prints: control characters from records escaped in the readable format
 * (a sender cannot clear the terminal or forge lines), exact in `--json`; each new resource in
 * full once with its scopes; `--resource` on every record. A real receiver on 127.0.0.1, fed by
 * requests built with podlog's own encoders.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRequest } from '../../src/otlp/index.js';
import { encodeRecord, encodeResource, encodeScope } from '../../src/record/index.js';
import { type ReceiverOptions, type RunningReceiver, startReceiver } from '../../src/testing/receiver.js';

const T0 = 1_700_000_000_123_000_000n;

/** Everything a terminal acts on: C0 (ESC, CR, LF, BEL…), DEL, C1 (CSI), U+2028/2029, bidi controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const HOSTILE_BODY =
  '\x1b[2J\x1b[Hall good\r\n2026-01-01T00:00:00.000Z INFO  forged line\x07\x7f\x9b31m\u2028\u202egnp.exe';

function request(opts: {
  resource: Record<string, string | number | boolean>;
  scope: string;
  version?: string;
  body: unknown;
  fields?: Record<string, unknown>;
  severityText?: string;
}): Uint8Array {
  const bytes = encodeRecord({
    timeUnixNano: T0,
    observedTimeUnixNano: T0,
    severityNumber: 9,
    severityText: opts.severityText ?? 'INFO',
    body: opts.body,
    fields: opts.fields,
  });
  return encodeRequest([
    { bytes, scope: encodeScope(opts.scope, opts.version), resource: encodeResource(opts.resource) },
  ]);
}

describe('podlog receive: printing', () => {
  let receiver: RunningReceiver | undefined;
  let lines: string[];
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  async function start(options: ReceiverOptions = {}) {
    lines = [];
    receiver = await startReceiver({ write: (l) => lines.push(l), keepRecords: false, ...options });
  }

  const post = async (body: Uint8Array) => {
    const res = await fetch(receiver!.endpoint, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(res.status).toBe(200);
  };

  const hostile = () =>
    request({
      resource: { 'service.name': 'evil\x1b]0;pwned\x07', 'host.name': 'h\r\nforged' },
      scope: 'sc\x1b[31mope',
      body: HOSTILE_BODY,
      fields: { 'k\x1b[1m': 'v\u202ealue\x85', nested: { deep: 'a\u2029b\x1bc' } },
      severityText: 'IN\x1bFO',
    });

  for (const color of [false, true]) {
    it(`escapes control characters from every part of a record (color: ${color})`, async () => {
      await start({ color });
      await post(hostile());
      // Our own colour codes are the only escapes left; each is a complete SGR sequence.
      const ours = /\x1b\[(?:0|2|3[0-9]|90)m/g;
      for (const line of lines) expect(line.replace(ours, '')).not.toMatch(CONTROL);
      const text = lines.join('\n').replace(ours, '');
      // No line was forged: a resource header, 2 attributes, a scope line and the record.
      expect(lines).toHaveLength(5);
      expect(text).toContain(
        '\\x1b[2J\\x1b[Hall good\\r\\n2026-01-01T00:00:00.000Z INFO  forged line\\x07\\x7f\\x9b31m',
      );
      expect(text).toContain('\\u2028\\u202egnp.exe');
      expect(text).toContain('evil\\x1b]0;pwned\\x07');
      expect(text).toContain('h\\r\\nforged');
      expect(text).toContain('[sc\\x1b[31mope]');
      expect(text).toContain('v\\u202ealue\\x85');
      expect(text).toContain('IN\\x1bFO');
    });
  }

  it('--json stays exact: the NDJSON decodes to the original strings', async () => {
    await start({ json: true });
    await post(hostile());
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]);
    expect(o.body).toBe(HOSTILE_BODY);
    expect(o.service).toBe('evil\x1b]0;pwned\x07');
    expect(o.scope).toBe('sc\x1b[31mope');
    expect(o.attributes['k\x1b[1m']).toBe('v\u202ealue\x85');
    expect(o.resource).toBeUndefined();
  });

  it('prints each new resource once with all its attributes, and each new scope once', async () => {
    await start();
    const checkout = { 'service.name': 'checkout', 'k8s.pod.name': 'co-1', 'k8s.namespace.name': 'shop' };
    await post(request({ resource: checkout, scope: 'orders', version: '1.2.0', body: 'one' }));
    await post(request({ resource: checkout, scope: 'orders', version: '1.2.0', body: 'two' }));
    await post(request({ resource: checkout, scope: 'payments', body: 'three' }));
    await post(request({ resource: { ...checkout, 'k8s.pod.name': 'co-2' }, scope: 'orders', body: 'four' }));
    const headers = lines.filter((l) => !/^\d{4}-/.test(l));
    // Attributes in the order they arrived (podlog's encoder sorts them).
    expect(headers).toEqual([
      'new resource checkout/co-1:',
      '    k8s.namespace.name="shop"',
      '    k8s.pod.name="co-1"',
      '    service.name="checkout"',
      'new scope orders 1.2.0 of checkout/co-1',
      'new scope payments of checkout/co-1',
      'new resource checkout/co-2:',
      '    k8s.namespace.name="shop"',
      '    k8s.pod.name="co-2"',
      '    service.name="checkout"',
      'new scope orders of checkout/co-2',
    ]);
    const records = lines.filter((l) => /^\d{4}-/.test(l));
    expect(records.map((l) => l.replace(/^\S+ INFO {2}/, ''))).toEqual([
      'checkout/co-1 [orders] one',
      'checkout/co-1 [orders] two',
      'checkout/co-1 [payments] three',
      'checkout/co-2 [orders] four',
    ]);
  });

  it('--resource prints the full resource with every record (readable and JSON)', async () => {
    const resource = { 'service.name': 'billing', 'service.version': '3.1.4', 'host.name': 'node-7' };
    await start({ resource: true });
    await post(request({ resource, scope: 'inv', body: 'a' }));
    await post(request({ resource, scope: 'inv', body: 'b' }));
    const shown = lines.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('    resource: '));
    expect(shown).toEqual([
      '    resource: host.name="node-7" service.name="billing" service.version="3.1.4"',
      '    resource: host.name="node-7" service.name="billing" service.version="3.1.4"',
    ]);
    await receiver!.close();
    await start({ resource: true, json: true });
    await post(request({ resource, scope: 'inv', body: 'c' }));
    expect(JSON.parse(lines[0]).resource).toEqual(resource);
  });
});
