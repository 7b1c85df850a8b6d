/**
 * Who is logging: the resource, assembled from its sources in precedence order (later
 * overrides earlier) and kept current as the kubelet updates the Downward API volume.
 *
 * 1. process, runtime, host, telemetry.sdk
 * 2. container.id (cgroup v1 / v2)
 * 3. Kubernetes env vars (read once; env cannot change at run time)
 * 4. the Downward API volume: labels and annotations (watched)
 * 5. OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, then the `serviceName` and `resource` options
 * then derived attributes fill what is still missing.
 *
 * Detection is synchronous and never throws: a bad source costs a diagnostic line, not the
 * rest of the resource.
 */
import { existsSync } from 'node:fs';
import { type Diag, silentDiag } from '../diag.js';
import { detectContainerId } from './container-id.js';
import { deriveAttributes } from './derive.js';
import { k8sEnvAttributes } from './k8s-env.js';
import { DEFAULT_DETECTION_CONFIG, type ResourceDetectionConfig } from './options.js';
import { otelEnvAttributes } from './otel-env.js';
import { type PodinfoLayer, podinfoLayer } from './podinfo-attributes.js';
import { podinfoSignature, readPodinfo } from './podinfo-read.js';
import { type PodinfoWatch, watchPodinfo } from './podinfo-watch.js';
import { processAttributes } from './process-attributes.js';
import type { Env, PodAnnotations, ResourceAttributes, ResourceProvider } from './types.js';

export type { PodAnnotations, ResourceAttributes, ResourceProvider } from './types.js';

export interface DetectResourceInput {
  /** `service.name` from code; wins over env. */
  serviceName?: string;
  /** Extra attributes from code; they win over everything detected. */
  attributes?: ResourceAttributes;
  /** Resolved detection settings (`resolveResourceOptions`); defaults when absent. */
  detection?: ResourceDetectionConfig;
}

const EMPTY_LAYER: PodinfoLayer = Object.freeze({
  attributes: {},
  annotations: Object.freeze({}),
  labels: new Map(),
});

function sameAttributes(a: Readonly<ResourceAttributes>, b: Readonly<ResourceAttributes>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function notify<T>(listeners: Set<(value: T) => void>, value: T, diag: Diag): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (err) {
      diag.error('resource-listener', `a resource change listener threw: ${(err as Error)?.message}`);
    }
  }
}

export function detectResource(
  input: DetectResourceInput,
  env: Env,
  diag: Diag = silentDiag,
): ResourceProvider {
  const config = input.detection ?? DEFAULT_DETECTION_CONFIG;
  // Everything but the volume is fixed for the life of the process: compute it once.
  const before: ResourceAttributes = processAttributes();
  try {
    const id = detectContainerId(config.paths);
    if (id) before['container.id'] = id;
  } catch {
    // detectContainerId does not throw; this guards the never-throw promise regardless.
  }
  const dir = config.podinfoDir;
  const podinfoPresent = dir !== undefined && existsSync(dir);
  Object.assign(before, k8sEnvAttributes(env, config.paths.namespaceFile, diag, podinfoPresent));
  const after: ResourceAttributes = { ...otelEnvAttributes(env, diag) };
  if (input.serviceName) after['service.name'] = input.serviceName;
  Object.assign(after, input.attributes);

  const readLayer = (): { signature: string | undefined; layer: PodinfoLayer; stable: boolean } => {
    if (!dir) return { signature: undefined, layer: EMPTY_LAYER, stable: true };
    let snapshot: ReturnType<typeof readPodinfo>;
    try {
      snapshot = readPodinfo(dir, config.maxFileBytes, diag);
    } catch (err) {
      // readPodinfo handles every fs error itself; this keeps the never-throw promise regardless.
      diag.warn('resource-podinfo', `reading ${dir} failed: ${(err as Error)?.message}; skipped`);
      snapshot = undefined;
    }
    if (!snapshot) return { signature: undefined, layer: EMPTY_LAYER, stable: true };
    if (!snapshot.stable) {
      return { signature: snapshot.signature, layer: podinfoLayer(snapshot, config, diag), stable: false };
    }
    return { signature: snapshot.signature, layer: podinfoLayer(snapshot, config, diag), stable: true };
  };
  const assemble = (layer: PodinfoLayer): Readonly<ResourceAttributes> => {
    const attrs: ResourceAttributes = { ...before, ...layer.attributes, ...after };
    deriveAttributes(attrs, layer.labels);
    return Object.freeze(attrs);
  };

  // At start an unstable read is still the best there is; its signature forces a re-read.
  const first = readLayer();
  let signature = first.stable ? first.signature : 'unstable';
  const layer = first.layer;
  if (dir && signature === undefined && config.podinfoDirExplicit) {
    diag.warn(
      'resource-podinfo-missing',
      `podinfo directory ${dir} does not exist; pod labels and annotations are not added`,
    );
  }
  let attributes = assemble(layer);
  let annotations: PodAnnotations = layer.annotations;
  const changeListeners = new Set<(attributes: Readonly<ResourceAttributes>) => void>();
  const annotationListeners = new Set<(annotations: PodAnnotations) => void>();

  const refresh = () => {
    if (!dir || podinfoSignature(dir) === signature) return;
    const next = readLayer();
    // Still swapping: keep what we have; the next event or poll tick reads again.
    if (!next.stable) return;
    signature = next.signature;
    const nextAttributes = assemble(next.layer);
    const nextAnnotations = next.layer.annotations;
    if (!sameAttributes(nextAnnotations, annotations)) {
      annotations = nextAnnotations;
      notify(annotationListeners, annotations, diag);
    }
    if (!sameAttributes(nextAttributes, attributes)) {
      attributes = nextAttributes;
      notify(changeListeners, attributes, diag);
    }
  };

  // The volume is mounted before the container starts: a dir absent now never appears.
  let watcher: PodinfoWatch | undefined;
  if (dir && signature !== undefined && config.watch) {
    watcher = watchPodinfo(dir, config.pollIntervalMs, refresh, diag);
  }

  return {
    current: () => attributes,
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    annotations: () => annotations,
    onAnnotations(listener) {
      annotationListeners.add(listener);
      return () => annotationListeners.delete(listener);
    },
    close() {
      watcher?.close();
      watcher = undefined;
      changeListeners.clear();
      annotationListeners.clear();
    },
  };
}
