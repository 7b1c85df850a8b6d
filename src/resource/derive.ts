/**
 * Attributes derived from the others, following the OTel Kubernetes semantic conventions
 * ("service.* from Kubernetes"). Each is set only when no source set it explicitly.
 */
import type { ResourceAttributes } from './types.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * Workload names from the pod name, only when a label proves the pattern (and no source set
 * them). A Deployment's pod is `<deployment>-<pod-template-hash>-<5 chars>` and its ReplicaSet
 * `<deployment>-<hash>`; without the `pod-template-hash` label a name like `api-7d9f-x2x4z`
 * proves nothing.
 */
function addWorkloadNames(
  attrs: ResourceAttributes,
  podName: string | undefined,
  labels: ReadonlyMap<string, string>,
): void {
  if (!podName) return;
  const hash = labels.get('pod-template-hash');
  if (hash) {
    const suffix = `-${hash}-`;
    const at = podName.lastIndexOf(suffix);
    if (at > 0 && /^[a-z0-9]{5}$/.test(podName.slice(at + suffix.length))) {
      attrs['k8s.deployment.name'] ??= podName.slice(0, at);
      attrs['k8s.replicaset.name'] ??= podName.slice(0, at + suffix.length - 1);
    }
  }
  // A StatefulSet pod is `<statefulset>-<ordinal>` and labels itself with its own name.
  if (labels.get('statefulset.kubernetes.io/pod-name') === podName) {
    const m = /^(.+)-(\d+)$/.exec(podName);
    if (m) attrs['k8s.statefulset.name'] ??= m[1];
  }
  const job = labels.get('batch.kubernetes.io/job-name') ?? labels.get('job-name');
  if (job && podName.startsWith(`${job}-`)) attrs['k8s.job.name'] ??= job;
}

/** Fills in what is missing, in place: workload names, then the `service.*` chain. */
export function deriveAttributes(attrs: ResourceAttributes, labels: ReadonlyMap<string, string>): void {
  const podName = str(attrs['k8s.pod.name']);
  addWorkloadNames(attrs, podName, labels);
  const namespace = str(attrs['k8s.namespace.name']);
  const container = str(attrs['k8s.container.name']);
  if (!str(attrs['service.name'])) {
    attrs['service.name'] =
      labels.get('app.kubernetes.io/name') ||
      str(attrs['k8s.deployment.name']) ||
      str(attrs['k8s.statefulset.name']) ||
      str(attrs['k8s.job.name']) ||
      container ||
      'unknown_service:node';
  }
  if (!str(attrs['service.version'])) {
    const version = labels.get('app.kubernetes.io/version');
    if (version) attrs['service.version'] = version;
  }
  if (!str(attrs['service.namespace']) && namespace) attrs['service.namespace'] = namespace;
  if (!str(attrs['service.instance.id']) && namespace && podName && container) {
    attrs['service.instance.id'] = `${namespace}.${podName}.${container}`;
  }
}
