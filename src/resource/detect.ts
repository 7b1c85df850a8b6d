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
import type { FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { type Diag, silentDiag } from '../diag.js';
import type { Env } from '../env.js';
import { VERSION } from '../version.js';
import { detectContainerId } from './container-id.js';
import { deriveAttributes } from './derive.js';
import { k8sEnvAttributes, otelEnvAttributes } from './env-attributes.js';
import type { ResourceDetectionConfig } from './options.js';
import { type PodinfoLayer, podinfoLayer, podinfoSignature, readPodinfo } from './podinfo.js';
import type { PodAnnotations, ResourceAttributes } from './types.js';

// node:fs's CJS object: an ESM import evaluates fs.promises and the streams (docs/performance.md).
// `fs.watch` is read at the call, so a test can make it fail as a node out of inotify watches does.
const fs = process.getBuiltinModule('node:fs');

/** Bursts of events (new dir, temp link, rename, old dir removed) settle within this. */
const DEBOUNCE_MS = 25;

interface DetectResourceInput {
  /** `service.name` from code; wins over env. */
  serviceName?: string;
  /** Extra attributes from code; they win over everything detected. */
  attributes?: ResourceAttributes;
  /** Resolved detection settings (`resolveResourceOptions`). */
  detection: ResourceDetectionConfig;
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
  const podinfoPresent = dir !== undefined && fs.existsSync(dir);
  return Object.assign(attributes, k8sEnvAttributes(env, config.paths.namespaceFile, diag, podinfoPresent));
}

/**
 * Who is logging, kept current: the resource of one logger, layers 1–3 and 5 fixed, the volume's
 * layer re-read when it changes. `current()` and `annotations()` return frozen objects whose
 * identity changes exactly when their content does.
 */
export class ResourceProvider {
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
  #watcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #pending: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(input: DetectResourceInput, env: Env, diag: Diag = silentDiag) {
    const config = input.detection;
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
    if (dir && this.#signature !== undefined && config.watch) this.#watch(dir);
  }

  /** Current attributes. A new object whenever they change (identity signals change). */
  current(): Readonly<ResourceAttributes> {
    return this.#attributes;
  }

  /** Calls `listener` after each change of the attributes. Returns an unsubscribe function. */
  onChange(listener: (attributes: Readonly<ResourceAttributes>) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /**
   * Every pod annotation parsed from the Downward API `annotations` file, before the
   * resource allow/deny lists (so `podlog.dev/*` control annotations are here even though
   * they are not put on the resource). Values longer than `podinfo.maxValueLength` are left out.
   * Empty when there is no volume.
   */
  annotations(): PodAnnotations {
    return this.#annotations;
  }

  /** Calls `listener` after each change of {@link ResourceProvider.annotations}. Returns an unsubscribe function. */
  onAnnotations(listener: (annotations: PodAnnotations) => void): () => void {
    this.#annotationListeners.add(listener);
    return () => this.#annotationListeners.delete(listener);
  }

  /** Stops watching the volume. Idempotent. `current()` keeps answering. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#poll);
    clearTimeout(this.#pending);
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

  /**
   * Notices kubelet updates of the volume: `fs.watch` on the directory (the `..data` rename is an
   * event in it) plus a slow poll, because inotify is not delivered on every filesystem and a
   * watcher can die. Both only schedule {@link #refresh}, which compares a cheap signature before
   * reading anything. Nothing here keeps the process alive.
   */
  #watch(dir: string): void {
    const schedule = () => {
      if (this.#closed || this.#pending) return;
      this.#pending = setTimeout(() => {
        this.#pending = undefined;
        try {
          this.#refresh(dir);
        } catch (err) {
          // A throw in a timer would take the app down.
          this.#diag.warn('resource-podinfo-watch', `re-reading ${dir} failed: ${(err as Error)?.message}`);
        }
      }, DEBOUNCE_MS);
      this.#pending.unref();
    };
    try {
      this.#watcher = fs.watch(dir, { persistent: false }, schedule);
      this.#watcher.on('error', () => {
        // The poll carries on alone.
        this.#watcher?.close();
        this.#watcher = undefined;
      });
    } catch (err) {
      this.#diag.info(
        'resource-podinfo-watch',
        `cannot watch ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'}); polling every ${this.#config.pollIntervalMs} ms`,
      );
    }
    this.#poll = setInterval(schedule, this.#config.pollIntervalMs);
    this.#poll.unref();
  }

  /** Re-reads the volume when its signature changed, and tells the listeners what changed. */
  #refresh(dir: string): void {
    if (podinfoSignature(dir) === this.#signature) return;
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
