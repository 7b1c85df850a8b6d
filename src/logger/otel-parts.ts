/**
 * The encoded scopes and resources of records: podlog's loggers' scopes by name, and what an
 * OpenTelemetry SDK gives along with a record: its instrumentation scope (name, version,
 * attributes, schema URL) and its resource. Both are stable objects in the SDK (one per SDK
 * logger, one per provider), so each is encoded once and found again by identity: the
 * per-record cost is two WeakMap lookups.
 *
 * Resource precedence (docs/otel-sdk.md): podlog's detected resource (process, container,
 * Kubernetes, the Downward API, OTEL_RESOURCE_ATTRIBUTES, podlog's own options) is the base;
 * the SDK's resource attributes, which the application wrote in code (`new NodeSDK({ resource,
 * serviceName })`), win over it, with two exceptions: `telemetry.sdk.*` stays podlog's (podlog
 * encodes and ships the records), and the SDK's placeholder `service.name`
 * (`unknown_service…`, what the SDK reports when nobody named the service) never replaces a
 * real one.
 */
import { encodeResource, encodeScope } from '../record/encode-scope.js';
import { ownEntries } from '../record/read-property.js';
import type { EncodedResource, EncodedScope } from '../record/types.js';
import type { ForeignResource, ForeignScope } from './foreign-record.js';

type ResourceValue = string | number | boolean;

/** A merged resource, valid while podlog's own resource is still `base`. */
interface Merged {
  base: EncodedResource;
  merged: EncodedResource;
  /** Merged while the SDK resource's async attributes were pending: redone once they settle. */
  pending: boolean;
}

/** True for what OTLP can carry as a resource attribute value: a scalar or an array of scalars. */
function isResourceValue(v: unknown): boolean {
  const t = typeof v;
  if (t === 'string' || t === 'boolean') return true;
  if (t === 'number') return Number.isFinite(v);
  return (
    Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'boolean' || Number.isFinite(x))
  );
}

/** The SDK's resource attributes that pass the precedence rules, read without throwing. */
function sdkAttributes(
  resource: ForeignResource,
  base: Readonly<Record<string, unknown>>,
  pending: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let attrs: unknown;
  try {
    attrs = pending ? settledRawAttributes(resource) : resource.attributes;
  } catch {
    return out;
  }
  if (attrs === null || typeof attrs !== 'object') return out;
  for (const [key, v] of ownEntries(attrs)) {
    if (key.startsWith('telemetry.sdk.')) continue;
    // A pending async attribute, an object, a throwing getter: not a resource value.
    if (!isResourceValue(v)) continue;
    if (key === 'service.name' && typeof v === 'string' && v.startsWith('unknown_service') && base[key])
      continue;
    out[key] = v;
  }
  return out;
}

/**
 * The settled attributes of an SDK `Resource` whose async detectors are still running, from its
 * public `getRawAttributes()` (a promise is a pending one: skipped; the first of a key wins, as
 * the SDK's own `attributes`). Not `attributes`: the SDK reports reading it then as an error.
 */
function settledRawAttributes(resource: ForeignResource): object | undefined {
  const raw = (resource as { getRawAttributes?: () => unknown }).getRawAttributes?.();
  if (!Array.isArray(raw)) return undefined;
  const out: Record<string, unknown> = {};
  for (const entry of raw) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue;
    const v: unknown = entry[1];
    if (v == null || typeof (v as { then?: unknown }).then === 'function') continue;
    out[entry[0]] ??= v;
  }
  return out;
}

/** True while an SDK `Resource`'s async attributes are unsettled (`asyncAttributesPending`, sdk 1.x and 2.x). */
function asyncPending(resource: ForeignResource): boolean {
  try {
    return (resource as { asyncAttributesPending?: unknown }).asyncAttributesPending === true;
  } catch {
    return false;
  }
}

/** Starts an SDK `Resource`'s `waitForAsyncAttributes()`; its failure is the SDK's to report. */
function settle(resource: ForeignResource): void {
  try {
    (resource as { waitForAsyncAttributes?: () => Promise<void> }).waitForAsyncAttributes?.().catch(() => {});
  } catch {
    // Not an SDK resource after all: nothing to wait for.
  }
}

/** Encoded scopes and resources, per logger (`createLogger`) core. */
export class OtelParts {
  readonly #base: () => EncodedResource;
  readonly #resources = new WeakMap<ForeignResource, Merged>();
  readonly #scopesByObject = new WeakMap<ForeignScope, EncodedScope>();
  readonly #scopesByKey = new Map<string, EncodedScope>();
  /** podlog's loggers' scopes by name (and version): one per name, so records of one name group together. */
  readonly #named = new Map<string, EncodedScope>();
  #adopted: ForeignResource | undefined;
  #finder: (() => ForeignResource | undefined) | undefined;

  /** @param base podlog's own resource, current (it changes with the Downward API volume). */
  constructor(base: () => EncodedResource) {
    this.#base = base;
  }

  /** The encoded scope of podlog's logger `name`, encoded on first use. */
  named(name: string, version = ''): EncodedScope {
    const key = version === '' ? name : `${name}\u0000${version}`;
    let scope = this.#named.get(key);
    if (scope === undefined) {
      scope = encodeScope(name, version);
      this.#named.set(key, scope);
    }
    return scope;
  }

  /** The resource of podlog's own records: the base, merged with the adopted SDK resource if any. */
  current(): EncodedResource {
    let adopted = this.#adopted;
    if (adopted === undefined && this.#finder !== undefined) {
      adopted = this.#finder();
      if (adopted !== undefined) this.adopt(adopted);
    }
    return adopted === undefined ? this.#base() : this.resource(adopted);
  }

  /** From now on podlog's own records carry `resource` too (one resource for the whole process). */
  adopt(resource: ForeignResource): void {
    if (this.#adopted === undefined) this.#adopted = resource;
    this.#finder = undefined;
  }

  /**
   * Until a resource is adopted, `find` is asked for one on each of podlog's own records (the
   * SDK's provider is registered at `sdk.start()`, after the processor was created).
   */
  adoptFrom(find: () => ForeignResource | undefined): void {
    if (this.#adopted === undefined) this.#finder = find;
  }

  /** True once an SDK resource was adopted. */
  get adopted(): boolean {
    return this.#adopted !== undefined;
  }

  /**
   * podlog's resource merged with `resource` (by the precedence above), encoded once per
   * (base, resource) pair.
   */
  resource(resource: ForeignResource): EncodedResource {
    const base = this.#base();
    // While async detectors run, the merge has only the settled attributes; it is kept (records
    // keep sharing one resource) until they settle, then done again with all of them.
    const pending = asyncPending(resource);
    const hit = this.#resources.get(resource);
    if (hit !== undefined && hit.base === base && hit.pending === pending) return hit.merged;
    // Asked once per pending merge (not per record) to settle, so a later record finds it done.
    if (pending) settle(resource);
    const attrs = { ...base.attributes, ...sdkAttributes(resource, base.attributes, pending) };
    // Arrays (e.g. the SDK's process.command_args) are encoded as OTLP arrays.
    const merged = encodeResource(attrs as Record<string, ResourceValue>);
    this.#resources.set(resource, { base, merged, pending });
    return merged;
  }

  /** The encoded form of `scope`; equal scopes share one object, so requests group them. */
  scope(scope: ForeignScope): EncodedScope {
    const hit = this.#scopesByObject.get(scope);
    if (hit !== undefined) return hit;
    const name = typeof scope.name === 'string' ? scope.name : '';
    const version = typeof scope.version === 'string' ? scope.version : '';
    const schemaUrl = typeof scope.schemaUrl === 'string' ? scope.schemaUrl : '';
    const attributes = scope.attributes;
    const plain = !schemaUrl && (attributes === undefined || Object.keys(attributes).length === 0);
    let encoded: EncodedScope;
    // A plain scope groups with podlog's logger of that name.
    if (plain) {
      encoded = this.named(name, version);
    } else {
      const key = `${name}\u0000${version}\u0000${schemaUrl}\u0000${safeJson(attributes)}`;
      encoded = this.#scopesByKey.get(key) ?? encodeScope(name, version, { attributes, schemaUrl });
      if (this.#scopesByKey.size < 1024) this.#scopesByKey.set(key, encoded);
    }
    this.#scopesByObject.set(scope, encoded);
    return encoded;
  }
}

let unserializable = 0;

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    // Unserializable attributes (a BigInt, a cycle): a key of its own, never shared by accident.
    return `\u0000unserializable-${++unserializable}`;
  }
}
