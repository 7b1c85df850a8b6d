import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { writePodinfo } from './helpers/kubelet-volume.js';

const ENV = {
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
  POD_NAME: 'checkout-7d9f8b6c5d-x2x4z',
  POD_NAMESPACE: 'shop',
  CONTAINER_NAME: 'app',
};

describe('a logger follows the kubelet updating the Downward API volume', () => {
  let receiver: TestReceiver;
  let tmp: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    tmp = mkdtempSync(join(tmpdir(), 'podlog-live-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('records before a ..data swap carry the old labels, records after it the new ones', async () => {
    const dir = join(tmp, 'podinfo');
    writePodinfo(
      dir,
      { 'app.kubernetes.io/version': '1.0.0', 'pod-template-hash': '7d9f8b6c5d', track: 'stable' },
      { 'example.com/owner': 'team-a' },
    );
    const log = createLogger({
      endpoint: receiver.endpoint,
      env: ENV,
      podinfoDir: dir,
      podinfo: { pollIntervalMs: 200 },
      diagnostics: false,
    });
    try {
      for (let i = 0; i < 5; i++) log.info('before', { i });
      await log.flush();

      writePodinfo(
        dir,
        { 'app.kubernetes.io/version': '1.1.0', 'pod-template-hash': '7d9f8b6c5d', track: 'canary' },
        { 'example.com/owner': 'team-b' },
      );
      // Bounded poll on what the receiver sees: probe until a record carries the new label.
      const deadline = Date.now() + 5000;
      const latest = () => receiver.records().at(-1)?.resource['k8s.pod.label.track'];
      while (latest() !== 'canary') {
        if (Date.now() > deadline) throw new Error('the label change never reached the receiver');
        log.info('probe');
        await log.flush();
        await new Promise((r) => setTimeout(r, 20));
      }
      for (let i = 0; i < 5; i++) log.info('after', { i });
      await log.flush();

      const records = receiver.records();
      const before = records.filter((r) => r.body === 'before');
      const after = records.filter((r) => r.body === 'after');
      expect(before).toHaveLength(5);
      expect(after).toHaveLength(5);
      for (const r of before) {
        expect(r.resource).toMatchObject({
          'k8s.pod.label.track': 'stable',
          'k8s.pod.annotation.example.com/owner': 'team-a',
          'service.version': '1.0.0',
        });
      }
      for (const r of after) {
        expect(r.resource).toMatchObject({
          'k8s.pod.label.track': 'canary',
          'k8s.pod.annotation.example.com/owner': 'team-b',
          'service.version': '1.1.0',
        });
      }
      // What does not come from the volume stays put.
      for (const r of [...before, ...after]) {
        expect(r.resource).toMatchObject({
          'k8s.pod.name': ENV.POD_NAME,
          'k8s.namespace.name': 'shop',
          'k8s.deployment.name': 'checkout',
          'service.name': 'checkout',
          'service.instance.id': `shop.${ENV.POD_NAME}.app`,
        });
      }
    } finally {
      await log.shutdown();
    }
  });
});
