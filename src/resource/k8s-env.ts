/**
 * Layer 3: Kubernetes facts the pod spec passes as env vars (Downward API `fieldRef`s).
 * Env vars cannot change at run time, so this is read once.
 *
 * The bare names (`CONTAINER_NAME`, `POD_NAME`, `NODE_NAME`, …) are common outside Kubernetes
 * too (Docker Compose files, CI runners, shells), where they say nothing about a pod. They are
 * read only when the process shows another sign of running in a pod: `KUBERNETES_SERVICE_HOST`
 * (the kubelet sets it in every container), the service-account namespace file, or a Downward
 * API volume. The prefixed names (`K8S_*`, `OTEL_RESOURCE_ATTRIBUTES_*`) are explicit and
 * always read.
 */
import type { Diag } from '../diag.js';
import { envValue } from '../env.js';
import { ENV_HOSTNAME, ENV_KUBERNETES_SERVICE_HOST, isBareK8sName, K8S_ENV_ALIASES } from './env-names.js';
import { readSmallFile } from './read-small-file.js';
import type { Env, ResourceAttributes } from './types.js';

function firstSet(env: Env, names: readonly string[], bare: boolean): string | undefined {
  for (const name of names) {
    if (!bare && isBareK8sName(name)) continue;
    const v = envValue(env, name);
    if (v) return v;
  }
  return undefined;
}

/**
 * @param podinfoPresent whether the Downward API volume exists: one of the signs of a pod that
 *   lets the bare env names count.
 */
export function k8sEnvAttributes(
  env: Env,
  namespaceFile: string,
  diag: Diag,
  podinfoPresent = false,
): ResourceAttributes {
  const out: ResourceAttributes = {};
  const inPod = Boolean(envValue(env, ENV_KUBERNETES_SERVICE_HOST));
  // Every pod with a mounted service-account token has its namespace file.
  const file = readSmallFile(namespaceFile, 4096);
  const bare = inPod || file.ok || podinfoPresent;
  for (const [attribute, names] of Object.entries(K8S_ENV_ALIASES)) {
    const v = firstSet(env, names, bare);
    if (v) out[attribute] = v;
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
