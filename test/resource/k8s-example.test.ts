import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_PODINFO_DIR, RESOURCE_ENV_NAMES, ResourceProvider } from '../../src/resource/index.js';
import { detection } from './helpers/detection.js';

const root = join(import.meta.dirname, '../..');
const exampleDir = join(root, 'examples/k8s');

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML.
type Doc = any;

const docs: Doc[] = readdirSync(exampleDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(exampleDir, f), 'utf8')).map((d) => {
      expect(d.errors, f).toEqual([]);
      return d.toJS();
    }),
  );

/** Source text of podlog (not tests), to check an env name outside the resource stage is really read. */
function srcFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? srcFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const src = srcFiles(join(root, 'src')).map((f) => ({ f: relative(root, f), text: readFileSync(f, 'utf8') }));
function readInCode(name: string): boolean {
  const access = new RegExp(`\\benv(?:\\.${name}\\b|\\[['"\`]${name}['"\`]\\])|['"\`]${name}['"\`]`);
  return RESOURCE_ENV_NAMES.includes(name) || src.some((s) => access.test(s.text));
}

const deployments = docs.filter((d) => d?.kind === 'Deployment');
const podlogApps = deployments.filter((d) =>
  (d.spec.template.spec.volumes ?? []).some((v: Doc) => v.downwardAPI),
);
const app = podlogApps[0];
const appPod = app?.spec.template.spec;
const appContainer = appPod?.containers[0];
const env = (name: string) => appContainer.env.find((e: Doc) => e.name === name);

/** What the kubelet would put in each env var for a pod of this Deployment. */
const POD = {
  'metadata.name': 'checkout-7d9f8b6c5d-x2x4z',
  'metadata.namespace': 'shop',
  'metadata.uid': '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f',
  'spec.nodeName': 'node-a',
  'status.podIP': '10.1.2.3',
} as Record<string, string>;

describe('examples/k8s manifests', () => {
  it('parse as YAML: one podlog app Deployment, a gateway Deployment and Service', () => {
    expect(docs.length).toBeGreaterThanOrEqual(4);
    expect(podlogApps).toHaveLength(1);
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['checkout', 'otel-gateway']);
    expect(docs.some((d) => d.kind === 'Service' && d.metadata.name === 'otel-gateway')).toBe(true);
  });

  it('every env var of the app is one podlog reads, and the Downward API ones are all wired', () => {
    const names: string[] = appContainer.env.map((e: Doc) => e.name);
    expect(names.filter((n) => !readInCode(n))).toEqual([]);
    for (const n of [
      'POD_NAME',
      'POD_NAMESPACE',
      'POD_UID',
      'NODE_NAME',
      'POD_IP',
      'CONTAINER_NAME',
      'CLUSTER_NAME',
    ]) {
      expect(names).toContain(n);
    }
    expect(names).toEqual(
      expect.arrayContaining(['PODLOG_PODINFO_DIR', 'PODLOG_SPOOL_DIR', 'OTEL_EXPORTER_OTLP_ENDPOINT']),
    );
  });

  it('the wired env gives the resource podlog documents (simulated kubelet)', () => {
    const kubeletEnv: Record<string, string> = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
    for (const e of appContainer.env) {
      kubeletEnv[e.name] = e.value ?? POD[e.valueFrom.fieldRef.fieldPath];
      expect(kubeletEnv[e.name], e.name).toBeDefined();
    }
    expect(env('CONTAINER_NAME').value).toBe(appContainer.name);
    const r = new ResourceProvider({ detection: detection() }, kubeletEnv).current();
    expect(r).toMatchObject({
      'k8s.pod.name': POD['metadata.name'],
      'k8s.namespace.name': POD['metadata.namespace'],
      'k8s.pod.uid': POD['metadata.uid'],
      'k8s.node.name': POD['spec.nodeName'],
      'k8s.pod.ip': POD['status.podIP'],
      'k8s.container.name': 'app',
      'k8s.cluster.name': 'prod-eu-1',
      'deployment.environment.name': 'production',
      'service.instance.id': `shop.${POD['metadata.name']}.app`,
    });
  });

  it('mounts the Downward API labels and annotations where podlog looks, and the spool emptyDir', () => {
    const podinfo = appPod.volumes.find((v: Doc) => v.downwardAPI);
    const items = podinfo.downwardAPI.items.map((i: Doc) => [i.path, i.fieldRef.fieldPath]);
    expect(items).toEqual(
      expect.arrayContaining([
        ['labels', 'metadata.labels'],
        ['annotations', 'metadata.annotations'],
      ]),
    );
    const mount = (volume: string) =>
      appContainer.volumeMounts.find((m: Doc) => m.name === volume)?.mountPath;
    expect(mount(podinfo.name)).toBe(env('PODLOG_PODINFO_DIR')?.value ?? DEFAULT_PODINFO_DIR);
    const spool = appPod.volumes.find((v: Doc) => v.emptyDir);
    expect(spool).toBeDefined();
    expect(mount(spool.name)).toBe(env('PODLOG_SPOOL_DIR').value);
  });

  it('the grace period covers the preStop sleep plus podlog’s 10 s shutdown flush', () => {
    const preStop = appContainer.lifecycle.preStop.sleep.seconds;
    expect(appPod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + 10);
  });

  it('the app pushes to the gateway Service, which receives OTLP/HTTP, batches and exports logs', () => {
    const url = new URL(env('OTEL_EXPORTER_OTLP_ENDPOINT').value);
    const service = docs.find(
      (d) => d.kind === 'Service' && url.hostname.startsWith(`${d.metadata.name}.${d.metadata.namespace}.`),
    );
    expect(service).toBeDefined();
    expect(service.spec.ports.map((p: Doc) => p.port)).toContain(Number(url.port));
    const configMap = docs.find(
      (d) => d.kind === 'ConfigMap' && d.metadata.namespace === service.metadata.namespace,
    );
    const config = parse(configMap.data['config.yaml']);
    expect(config.receivers.otlp.protocols.http.endpoint).toMatch(/:4318$/);
    const logs = config.service.pipelines.logs;
    expect(logs.receivers).toEqual(['otlp']);
    expect(logs.processors).toContain('batch');
    for (const p of logs.processors) expect(config.processors).toHaveProperty([p]);
    for (const e of logs.exporters) expect(config.exporters).toHaveProperty([e]);
    const gateway = deployments.find((d) => d.metadata.name === service.metadata.name);
    expect(gateway.spec.template.metadata.labels).toMatchObject(service.spec.selector);
  });
});
