/**
 * Layer 3: Kubernetes facts the pod spec passes as env vars (Downward API `fieldRef`s).
 * Env vars cannot change at run time, so this is read once.
 */
import type { Diag } from '../diag.js';
import { ENV_HOSTNAME, ENV_KUBERNETES_SERVICE_HOST, K8S_ENV_ALIASES } from './env-names.js';
import { readSmallFile } from './read-small-file.js';
import type { Env, ResourceAttributes } from './types.js';

/** Trimmed value, tolerating a non-string from a hand-built `env` option (detection never throws). */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() || undefined : undefined;
}

function firstSet(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = text(env[name]);
    if (v) return v;
  }
  return undefined;
}

export function k8sEnvAttributes(env: Env, namespaceFile: string, diag: Diag): ResourceAttributes {
  const out: ResourceAttributes = {};
  for (const [attribute, names] of Object.entries(K8S_ENV_ALIASES)) {
    const v = firstSet(env, names);
    if (v) out[attribute] = v;
  }
  const inPod = Boolean(env[ENV_KUBERNETES_SERVICE_HOST]);
  if (!out['k8s.pod.name'] && inPod) {
    // The kubelet sets HOSTNAME to the pod name (unless spec.hostname overrides it).
    const host = text(env[ENV_HOSTNAME]);
    if (host) out['k8s.pod.name'] = host;
  }
  if (!out['k8s.namespace.name']) {
    // Every pod with a mounted service-account token has its namespace next to it.
    const file = readSmallFile(namespaceFile, 4096);
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
