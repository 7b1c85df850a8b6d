import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { K8S_ENV_ALIASES, ResourceProvider } from '../../src/resource/index.js';
import { VERSION } from '../../src/version.js';
import { detection } from './helpers/detection.js';
import { captureDiag } from './helpers/diag-capture.js';
import { writePodinfo } from './helpers/kubelet-volume.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'podlog-resource-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const POD_ENV = {
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
  POD_NAME: 'checkout-7d9f8b6c5d-x2x4z',
  POD_NAMESPACE: 'shop',
  POD_UID: '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f',
  NODE_NAME: 'node-a',
  POD_IP: '10.1.2.3',
  CONTAINER_NAME: 'app',
  CLUSTER_NAME: 'prod-eu',
};

describe('ResourceProvider: sources and precedence', () => {
  it('process, runtime, host and telemetry.sdk, with unknown_service:node outside Kubernetes', () => {
    const r = new ResourceProvider({ detection: detection() }, {}).current();
    expect(r).toMatchObject({
      'telemetry.sdk.name': 'podlog',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': VERSION,
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'service.name': 'unknown_service:node',
    });
    expect(typeof r['host.name']).toBe('string');
    expect(Object.keys(r).some((k) => k.startsWith('k8s.'))).toBe(false);
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('maps the Downward API env vars and derives service.* per the k8s semantic conventions', () => {
    const r = new ResourceProvider({ detection: detection() }, POD_ENV).current();
    expect(r).toMatchObject({
      'k8s.pod.name': 'checkout-7d9f8b6c5d-x2x4z',
      'k8s.namespace.name': 'shop',
      'k8s.pod.uid': '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f',
      'k8s.node.name': 'node-a',
      'k8s.pod.ip': '10.1.2.3',
      'k8s.container.name': 'app',
      'k8s.cluster.name': 'prod-eu',
      'service.name': 'app',
      'service.namespace': 'shop',
      'service.instance.id': 'shop.checkout-7d9f8b6c5d-x2x4z.app',
    });
    // No pod-template-hash label: the name pattern alone proves nothing.
    expect(r).not.toHaveProperty('k8s.deployment.name');
  });

  it.each(Object.entries(K8S_ENV_ALIASES).flatMap(([attr, names]) => names.map((n) => [n, attr])))(
    'reads %s into %s (in a pod)',
    (name, attribute) => {
      const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', [name]: 'v-1' };
      expect(new ResourceProvider({ detection: detection() }, env).current()[attribute]).toBe('v-1');
    },
  );

  it('prefers the plain name over K8S_* over the OTel operator names', () => {
    const env = {
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      OTEL_RESOURCE_ATTRIBUTES_POD_NAME: 'c',
      K8S_POD_NAME: 'b',
      POD_NAME: 'a',
    };
    expect(new ResourceProvider({ detection: detection() }, env).current()['k8s.pod.name']).toBe('a');
    const { POD_NAME: _, ...rest } = env;
    expect(new ResourceProvider({ detection: detection() }, rest).current()['k8s.pod.name']).toBe('b');
  });

  it('uses HOSTNAME as the pod name only inside a pod', () => {
    expect(
      new ResourceProvider({ detection: detection() }, { HOSTNAME: 'web-0' }).current(),
    ).not.toHaveProperty('k8s.pod.name');
    const inPod = { HOSTNAME: 'web-0', KUBERNETES_SERVICE_HOST: '10.96.0.1' };
    expect(new ResourceProvider({ detection: detection() }, inPod).current()['k8s.pod.name']).toBe('web-0');
    expect(
      new ResourceProvider({ detection: detection() }, { ...inPod, POD_NAME: 'real' }).current()[
        'k8s.pod.name'
      ],
    ).toBe('real');
  });

  it('falls back to the service-account namespace file for the namespace', () => {
    const namespaceFile = join(tmp, 'namespace');
    writeFileSync(namespaceFile, 'payments\n');
    const base = detection();
    const det = detection({ paths: { ...base.paths, namespaceFile } });
    expect(new ResourceProvider({ detection: det }, {}).current()['k8s.namespace.name']).toBe('payments');
    expect(
      new ResourceProvider({ detection: det }, { POD_NAMESPACE: 'env-wins' }).current()['k8s.namespace.name'],
    ).toBe('env-wins');
  });

  it('OTEL_RESOURCE_ATTRIBUTES (percent-decoded) over env, OTEL_SERVICE_NAME over it, code over all', () => {
    const env = {
      ...POD_ENV,
      OTEL_RESOURCE_ATTRIBUTES:
        'deployment.environment.name=prod,team=a%2Cb%3Dc,k8s.cluster.name=from-otel,service.name=from-attrs',
    };
    const r1 = new ResourceProvider({ detection: detection() }, env).current();
    expect(r1).toMatchObject({
      'deployment.environment.name': 'prod',
      team: 'a,b=c',
      'k8s.cluster.name': 'from-otel',
      'service.name': 'from-attrs',
    });
    const r2 = new ResourceProvider(
      { detection: detection() },
      { ...env, OTEL_SERVICE_NAME: 'from-env' },
    ).current();
    expect(r2['service.name']).toBe('from-env');
    const r3 = new ResourceProvider(
      {
        serviceName: 'from-code',
        attributes: { team: 'code', 'host.name': 'pinned' },
        detection: detection(),
      },
      { ...env, OTEL_SERVICE_NAME: 'from-env' },
    ).current();
    expect(r3).toMatchObject({ 'service.name': 'from-code', team: 'code', 'host.name': 'pinned' });
  });

  it('discards a malformed OTEL_RESOURCE_ATTRIBUTES whole, with one diagnostic line, and keeps the rest', () => {
    const { diag, lines } = captureDiag();
    const env = { ...POD_ENV, OTEL_RESOURCE_ATTRIBUTES: 'ok=1,bad=%E0%A4%A' };
    const r = new ResourceProvider({ detection: detection() }, env, diag).current();
    expect(r).not.toHaveProperty('ok');
    expect(r['k8s.pod.name']).toBe(POD_ENV.POD_NAME);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('OTEL_RESOURCE_ATTRIBUTES');
  });

  it('never throws on a hand-built env with non-string values', () => {
    const env = { POD_NAME: 42, OTEL_RESOURCE_ATTRIBUTES: {}, HOSTNAME: null, KUBERNETES_SERVICE_HOST: 'x' };
    const r = new ResourceProvider(
      { detection: detection() },
      env as unknown as Record<string, string>,
    ).current();
    expect(r).not.toHaveProperty('k8s.pod.name');
    expect(r['service.name']).toBe('unknown_service:node');
  });

  it('derives deployment and replicaset names only when pod-template-hash confirms', () => {
    const dir = join(tmp, 'podinfo');
    writePodinfo(dir, { 'pod-template-hash': '7d9f8b6c5d', 'app.kubernetes.io/version': '1.4.2' });
    const r = new ResourceProvider(
      { detection: detection({ podinfoDir: dir, watch: false }) },
      POD_ENV,
    ).current();
    expect(r).toMatchObject({
      'k8s.deployment.name': 'checkout',
      'k8s.replicaset.name': 'checkout-7d9f8b6c5d',
      'service.version': '1.4.2',
      // The deployment outranks the container name in the service.name chain.
      'service.name': 'checkout',
    });
    writePodinfo(dir, { 'pod-template-hash': 'ffff' });
    const other = new ResourceProvider(
      { detection: detection({ podinfoDir: dir, watch: false }) },
      POD_ENV,
    ).current();
    expect(other).not.toHaveProperty('k8s.deployment.name');
    expect(other).not.toHaveProperty('k8s.replicaset.name');
  });

  it('service.name chain: app.kubernetes.io/name label, then workload, then container', () => {
    const dir = join(tmp, 'podinfo');
    writePodinfo(dir, { 'app.kubernetes.io/name': 'shop-api', 'pod-template-hash': '7d9f8b6c5d' });
    const r = new ResourceProvider(
      { detection: detection({ podinfoDir: dir, watch: false }) },
      POD_ENV,
    ).current();
    expect(r['service.name']).toBe('shop-api');
    expect(r['k8s.pod.label.app.kubernetes.io/name']).toBe('shop-api');
  });

  it('derives statefulset and job names from their own labels', () => {
    const dir = join(tmp, 'podinfo');
    writePodinfo(dir, { 'statefulset.kubernetes.io/pod-name': 'db-2' });
    const sts = new ResourceProvider(
      { detection: detection({ podinfoDir: dir, watch: false }) },
      { POD_NAME: 'db-2' },
    ).current();
    expect(sts['k8s.statefulset.name']).toBe('db');
    writePodinfo(dir, { 'batch.kubernetes.io/job-name': 'migrate' });
    const job = new ResourceProvider(
      { detection: detection({ podinfoDir: dir, watch: false }) },
      { POD_NAME: 'migrate-abcde' },
    ).current();
    expect(job['k8s.job.name']).toBe('migrate');
  });

  it('resource.opentelemetry.io/* annotations set their attribute; OTEL env still wins', () => {
    const dir = join(tmp, 'podinfo');
    writePodinfo(
      dir,
      {},
      {
        'resource.opentelemetry.io/service.name': 'annotated',
        'resource.opentelemetry.io/service.version': '9',
      },
    );
    const det = detection({ podinfoDir: dir, watch: false });
    expect(new ResourceProvider({ detection: det }, POD_ENV).current()).toMatchObject({
      'service.name': 'annotated',
      'service.version': '9',
    });
    expect(
      new ResourceProvider({ detection: det }, { ...POD_ENV, OTEL_SERVICE_NAME: 'env' }).current()[
        'service.name'
      ],
    ).toBe('env');
  });
});
