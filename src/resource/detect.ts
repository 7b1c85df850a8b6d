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
import { hostname } from 'node:os';
import { type Diag, silentDiag } from '../diag.js';
import { VERSION } from '../version.js';
import { detectContainerId } from './container-id.js';
import { deriveAttributes } from './derive.js';
import { k8sEnvAttributes, otelEnvAttributes } from './env-attributes.js';
import { DEFAULT_DETECTION_CONFIG, type ResourceDetectionConfig } from './options.js';
import { type PodinfoLayer, PodinfoWatcher, podinfoLayer, podinfoSignature, readPodinfo } from './podinfo.js';
import type { Env, PodAnnotations, ResourceAttributes, ResourceProvider } from './types.js';

// node:fs's CJS object: an ESM import evaluates fs.promises and the streams (docs/performance.md).
const { existsSync } = process.getBuiltinModule('node:fs');

export type { PodAnnotations, ResourceAttributes, ResourceProvider } from './types.js';

interface DetectResourceInput {
  /** `service.name` from code; wins over env. */
  serviceName?: string;
  /** Extra attributes from code; they win over everything detected. */
  attributes?: ResourceAttributes;
  /** Resolved detection settings (`resolveResourceOptions`); defaults when absent. */
  detection?: ResourceDetectionConfig;
}

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
  return new DetectedResource(input, env, diag);
}

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return 'unknown';
  }
}

/** Layers 1–3: process, container and Kubernetes env, fixed for the life of the process. */
function fixedAttributes(config: ResourceDetectionConfig, env: Env, diag: Diag): ResourceAttributes {
  const attributes: ResourceAttributes = {
    'telemetry.sdk.name': 'podlog',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': VERSION,
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'host.name': safeHostname(),
  };
  const id = detectContainerId(config.paths);
  if (id) attributes['container.id'] = id;
  const dir = config.podinfoDir;
  const podinfoPresent = dir !== undefined && existsSync(dir);
  return Object.assign(attributes, k8sEnvAttributes(env, config.paths.namespaceFile, diag, podinfoPresent));
}

/** The resource of one logger: layers 1–3 and 5 fixed, the volume's layer re-read when it changes. */
class DetectedResource implements ResourceProvider {
  readonly #config: ResourceDetectionConfig;
  readonly #diag: Diag;
  /** Layers 1–3, under the volume's. */
  readonly #below: ResourceAttributes;
  /** Layer 5 (env, then code), over the volume's. */
  readonly #above: ResourceAttributes;
  /** Of the volume's last stable read; `'unstable'` forces a re-read. */
  #signature: string | undefined;
  #attributes: Readonly<ResourceAttributes>;
  #annotations: PodAnnotations;
  readonly #changeListeners = new Set<(attributes: Readonly<ResourceAttributes>) => void>();
  readonly #annotationListeners = new Set<(annotations: PodAnnotations) => void>();
  #watcher: PodinfoWatcher | undefined;

  constructor(input: DetectResourceInput, env: Env, diag: Diag) {
    const config = input.detection ?? DEFAULT_DETECTION_CONFIG;
    this.#config = config;
    this.#diag = diag;
    this.#below = fixedAttributes(config, env, diag);
    this.#above = { ...otelEnvAttributes(env, diag) };
    if (input.serviceName) this.#above['service.name'] = input.serviceName;
    Object.assign(this.#above, input.attributes);

    const dir = config.podinfoDir;
    // At start an unstable read is still the best there is; its signature forces a re-read.
    const first = dir ? readPodinfo(dir, config.maxFileBytes, diag) : undefined;
    this.#signature = first && (first.stable ? first.signature : 'unstable');
    if (dir && this.#signature === undefined && config.podinfoDirExplicit) {
      diag.warn(
        'resource-podinfo-missing',
        `podinfo directory ${dir} does not exist; pod labels and annotations are not added`,
      );
    }
    const layer = podinfoLayer(first, config, diag);
    this.#attributes = this.#assemble(layer);
    this.#annotations = layer.annotations;
    // The volume is mounted before the container starts: a dir absent now never appears.
    if (dir && this.#signature !== undefined && config.watch) {
      this.#watcher = new PodinfoWatcher(dir, config.pollIntervalMs, () => this.#refresh(), diag);
    }
  }

  current(): Readonly<ResourceAttributes> {
    return this.#attributes;
  }

  onChange(listener: (attributes: Readonly<ResourceAttributes>) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  annotations(): PodAnnotations {
    return this.#annotations;
  }

  onAnnotations(listener: (annotations: PodAnnotations) => void): () => void {
    this.#annotationListeners.add(listener);
    return () => this.#annotationListeners.delete(listener);
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#changeListeners.clear();
    this.#annotationListeners.clear();
  }

  #assemble(layer: PodinfoLayer): Readonly<ResourceAttributes> {
    const attrs: ResourceAttributes = { ...this.#below, ...layer.attributes, ...this.#above };
    deriveAttributes(attrs, layer.labels);
    return Object.freeze(attrs);
  }

  /** Re-reads the volume when its signature changed, and tells the listeners what changed. */
  #refresh(): void {
    const dir = this.#config.podinfoDir;
    if (!dir || podinfoSignature(dir) === this.#signature) return;
    const next = readPodinfo(dir, this.#config.maxFileBytes, this.#diag);
    // Still swapping: keep what we have; the next event or poll tick reads again.
    if (next && !next.stable) return;
    this.#signature = next?.signature;
    const layer = podinfoLayer(next, this.#config, this.#diag);
    const attributes = this.#assemble(layer);
    if (!sameAttributes(layer.annotations, this.#annotations)) {
      this.#annotations = layer.annotations;
      notify(this.#annotationListeners, this.#annotations, this.#diag);
    }
    if (!sameAttributes(attributes, this.#attributes)) {
      this.#attributes = attributes;
      notify(this.#changeListeners, this.#attributes, this.#diag);
    }
  }
}
