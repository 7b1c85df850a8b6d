/**
 * Who is logging. Thin first version: service and process attributes.
 * (Kubernetes, container and Downward API sources grow here.)
 */
import { hostname } from 'node:os';
import { VERSION } from '../version.js';

export type ResourceAttributes = Record<string, string | number | boolean>;

export interface ResourceOptions {
  /** `service.name`. Env: `OTEL_SERVICE_NAME`. Default `unknown_service:node`. */
  serviceName?: string;
  /** Extra attributes; they win over everything detected. */
  attributes?: ResourceAttributes;
}

export interface ResourceProvider {
  /** Current attributes. A new object whenever they change (identity signals change). */
  current(): ResourceAttributes;
  /** Calls `listener` after each change. Returns an unsubscribe function. */
  onChange(listener: (attributes: ResourceAttributes) => void): () => void;
  close(): void;
}

type Env = Readonly<Record<string, string | undefined>>;

export function detectResource(options: ResourceOptions, env: Env): ResourceProvider {
  const attributes: ResourceAttributes = {
    'service.name': options.serviceName ?? env.OTEL_SERVICE_NAME ?? 'unknown_service:node',
    'telemetry.sdk.name': 'podlog',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': VERSION,
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'host.name': safeHostname(),
    ...options.attributes,
  };
  const frozen = Object.freeze(attributes);
  return {
    current: () => frozen,
    onChange: () => () => {},
    close() {},
  };
}

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return 'unknown';
  }
}
