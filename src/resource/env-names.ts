/**
 * Every environment variable the resource stage reads, in one place so docs, examples and
 * the manifest test compare against code rather than a copy.
 */

/** Aliases per attribute, first non-empty wins: plain Downward API names, then `K8S_*`, then the OTel operator's. */
export const K8S_ENV_ALIASES = {
  'k8s.pod.name': ['POD_NAME', 'K8S_POD_NAME', 'OTEL_RESOURCE_ATTRIBUTES_POD_NAME'],
  'k8s.namespace.name': ['POD_NAMESPACE', 'K8S_NAMESPACE_NAME', 'K8S_POD_NAMESPACE', 'K8S_NAMESPACE'],
  'k8s.pod.uid': ['POD_UID', 'K8S_POD_UID', 'OTEL_RESOURCE_ATTRIBUTES_POD_UID'],
  'k8s.node.name': ['NODE_NAME', 'K8S_NODE_NAME', 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME'],
  'k8s.pod.ip': ['POD_IP', 'K8S_POD_IP'],
  'k8s.container.name': ['CONTAINER_NAME', 'K8S_CONTAINER_NAME'],
  'k8s.cluster.name': ['CLUSTER_NAME', 'K8S_CLUSTER_NAME'],
} as const satisfies Record<string, readonly string[]>;

/**
 * True for a bare alias (`CONTAINER_NAME`, `POD_NAME`, …): read only when other signs say the
 * process runs in a pod (see k8s-env.ts). The `K8S_*` and `OTEL_RESOURCE_ATTRIBUTES_*` aliases
 * are always read.
 */
export function isBareK8sName(name: string): boolean {
  return !name.startsWith('K8S_') && !name.startsWith('OTEL_');
}

/** Set by the kubelet in every container; tells podlog it runs in a pod. */
export const ENV_KUBERNETES_SERVICE_HOST = 'KUBERNETES_SERVICE_HOST';
/** The container's hostname, which is the pod name unless `hostname:` is set in the pod spec. */
export const ENV_HOSTNAME = 'HOSTNAME';
/** Where the Downward API volume is mounted. */
export const ENV_PODINFO_DIR = 'PODLOG_PODINFO_DIR';
export const ENV_OTEL_RESOURCE_ATTRIBUTES = 'OTEL_RESOURCE_ATTRIBUTES';
export const ENV_OTEL_SERVICE_NAME = 'OTEL_SERVICE_NAME';

/** Every env var name the resource stage reads. */
export const RESOURCE_ENV_NAMES: readonly string[] = Object.freeze([
  ...Object.values(K8S_ENV_ALIASES).flat(),
  ENV_KUBERNETES_SERVICE_HOST,
  ENV_HOSTNAME,
  ENV_PODINFO_DIR,
  ENV_OTEL_RESOURCE_ATTRIBUTES,
  ENV_OTEL_SERVICE_NAME,
]);
