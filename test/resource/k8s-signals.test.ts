/**
 * The bare Kubernetes env names (CONTAINER_NAME, POD_NAME, …) are read only when another sign
 * says the process runs in a pod; outside one, `CONTAINER_NAME=app` (Docker Compose, CI) must
 * not become `k8s.container.name`, nor `service.name`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { K8S_ENV_ALIASES, ResourceProvider } from '../../src/resource/index.js';
import { detection } from './helpers/detection.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'podlog-k8s-signals-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const BARE = {
  CONTAINER_NAME: 'app',
  POD_NAME: 'web-1',
  NODE_NAME: 'n1',
  CLUSTER_NAME: 'c1',
  POD_NAMESPACE: 'shop',
};

describe('bare Kubernetes env names need another sign of a pod', () => {
  it('outside Kubernetes they are ignored: no k8s.* from them, service.name stays unknown_service:node', () => {
    const r = new ResourceProvider({ detection: detection() }, BARE).current();
    for (const attribute of Object.keys(K8S_ENV_ALIASES)) expect(r).not.toHaveProperty(attribute);
    expect(r['service.name']).toBe('unknown_service:node');
    expect(r).not.toHaveProperty('service.instance.id');
  });

  it('the prefixed names (K8S_*, OTEL_RESOURCE_ATTRIBUTES_*) are explicit and read anywhere', () => {
    const r = new ResourceProvider(
      { detection: detection() },
      { K8S_CONTAINER_NAME: 'worker', OTEL_RESOURCE_ATTRIBUTES_POD_NAME: 'p-1', CONTAINER_NAME: 'ignored' },
    ).current();
    expect(r['k8s.container.name']).toBe('worker');
    expect(r['k8s.pod.name']).toBe('p-1');
    expect(r['service.name']).toBe('worker');
  });

  it('KUBERNETES_SERVICE_HOST makes them count', () => {
    const r = new ResourceProvider(
      { detection: detection() },
      { ...BARE, KUBERNETES_SERVICE_HOST: '10.96.0.1' },
    ).current();
    expect(r).toMatchObject({
      'k8s.container.name': 'app',
      'k8s.pod.name': 'web-1',
      'k8s.node.name': 'n1',
      'k8s.cluster.name': 'c1',
      'service.name': 'app',
      'service.instance.id': 'shop.web-1.app',
    });
  });

  it('so does the service-account namespace file', () => {
    const namespaceFile = join(tmp, 'namespace');
    writeFileSync(namespaceFile, 'payments\n');
    const base = detection();
    const det = detection({ paths: { ...base.paths, namespaceFile } });
    const r = new ResourceProvider({ detection: det }, { CONTAINER_NAME: 'app' }).current();
    expect(r['k8s.container.name']).toBe('app');
    expect(r['k8s.namespace.name']).toBe('payments');
  });

  it('so does a Downward API volume', () => {
    const dir = join(tmp, 'podinfo');
    mkdirSync(dir);
    writeFileSync(join(dir, 'labels'), 'tier="web"\n');
    const r = new ResourceProvider(
      { detection: detection({ podinfoDir: dir, watch: false }) },
      { CONTAINER_NAME: 'app' },
    ).current();
    expect(r['k8s.container.name']).toBe('app');
    expect(r['k8s.pod.label.tier']).toBe('web');
  });
});
