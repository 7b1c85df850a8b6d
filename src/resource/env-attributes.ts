/**
 * What env vars say about who is logging: layer 3, the Kubernetes facts a pod spec passes as env
 * vars (Downward API `fieldRef`s), and the env half of layer 5, `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_SERVICE_NAME`. Env vars cannot change at run time, so both are read once. Every env var
 * the resource stage reads is named here, so docs, examples and the manifest test compare against
 * code rather than a copy.
 *
 * The bare names (`CONTAINER_NAME`, `POD_NAME`, `NODE_NAME`, …) are common outside Kubernetes
 * too (Docker Compose files, CI runners, shells), where they say nothing about a pod. They are
 * read only when the process shows another sign of running in a pod: `KUBERNETES_SERVICE_HOST`
 * (the kubelet sets it in every container), the service-account namespace file, or a Downward
 * API volume. The prefixed names (`K8S_*`, `OTEL_RESOURCE_ATTRIBUTES_*`) are explicit and
 * always read.
 */
import type { Diag } from '../diag.js';
import { type Env, envValue, firstEnv, parseKeyValueList } from '../env.js';
import { readSmallFile } from './read-small-file.js';
import type { ResourceAttributes } from './types.js';

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

/** Set by the kubelet in every container; tells podlog it runs in a pod. */
const ENV_KUBERNETES_SERVICE_HOST = 'KUBERNETES_SERVICE_HOST';
/** The container's hostname, which is the pod name unless `hostname:` is set in the pod spec. */
const ENV_HOSTNAME = 'HOSTNAME';
/** Where the Downward API volume is mounted. */
export const ENV_PODINFO_DIR = 'PODLOG_PODINFO_DIR';
const ENV_OTEL_RESOURCE_ATTRIBUTES = 'OTEL_RESOURCE_ATTRIBUTES';
const ENV_OTEL_SERVICE_NAME = 'OTEL_SERVICE_NAME';

/** Every env var name the resource stage reads. */
export const RESOURCE_ENV_NAMES: readonly string[] = Object.freeze([
  ...Object.values(K8S_ENV_ALIASES).flat(),
  ENV_KUBERNETES_SERVICE_HOST,
  ENV_HOSTNAME,
  ENV_PODINFO_DIR,
  ENV_OTEL_RESOURCE_ATTRIBUTES,
  ENV_OTEL_SERVICE_NAME,
]);

/** True for a prefixed alias (`K8S_*`, `OTEL_RESOURCE_ATTRIBUTES_*`), read even outside a pod. */
const isPrefixed = (name: string) => name.startsWith('K8S_') || name.startsWith('OTEL_');

/**
 * Layer 3.
 * @param podinfoPresent whether the Downward API volume exists: one of the signs of a pod that
 *   lets the bare env names count.
 */
export function k8sEnvAttributes(
  env: Env,
  namespaceFile: string,
  diag: Diag,
  podinfoPresent: boolean,
): ResourceAttributes {
  const out: ResourceAttributes = {};
  const inPod = Boolean(envValue(env, ENV_KUBERNETES_SERVICE_HOST));
  // Every pod with a mounted service-account token has its namespace file.
  const file = readSmallFile(namespaceFile, 4096);
  const bare = inPod || file.ok || podinfoPresent;
  for (const [attribute, names] of Object.entries(K8S_ENV_ALIASES)) {
    const set = firstEnv(env, bare ? names : names.filter(isPrefixed));
    if (set) out[attribute] = set.value;
  }
  if (!out['k8s.pod.name'] && inPod) {
    // The kubelet sets HOSTNAME to the pod name (unless spec.hostname overrides it).
    const host = envValue(env, ENV_HOSTNAME);
    if (host) out['k8s.pod.name'] = host;
  }
  if (!out['k8s.namespace.name']) {
    if (file.ok) {
      const ns = file.text.trim();
      if (ns) out['k8s.namespace.name'] = ns;
    } else if (inPod && file.reason !== 'missing') {
      diag.warn(
        'resource-namespace-file',
        `cannot read the namespace file ${namespaceFile} (${file.detail}); k8s.namespace.name is unset`,
      );
    }
  }
  return out;
}

/** Layer 5, env half: `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME`, as the OTel SDK spec reads them. */
export function otelEnvAttributes(env: Env, diag: Diag): ResourceAttributes {
  const out: ResourceAttributes = {};
  const raw = envValue(env, ENV_OTEL_RESOURCE_ATTRIBUTES);
  if (raw) {
    // The spec: a value that fails to decode discards the whole variable, with an error reported.
    const list = parseKeyValueList(raw);
    if ('pairs' in list) Object.assign(out, list.pairs);
    else {
      diag.warn(
        'resource-otel-env',
        `${ENV_OTEL_RESOURCE_ATTRIBUTES} is not a list of key=value pairs with valid percent-encoding; ignored whole`,
      );
    }
  }
  // The spec: OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES.
  const serviceName = envValue(env, ENV_OTEL_SERVICE_NAME);
  if (serviceName) out['service.name'] = serviceName;
  return out;
}
