/** Layer 5 (env half): `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME`, as the OTel SDK spec reads them. */
import type { Diag } from '../diag.js';
import { ENV_OTEL_RESOURCE_ATTRIBUTES, ENV_OTEL_SERVICE_NAME } from './env-names.js';
import { text } from './k8s-env.js';
import type { Env, ResourceAttributes } from './types.js';

/**
 * Parses `k=v,k2=v2` with percent-decoded keys and values. The spec says a value that fails
 * to decode discards the whole variable, with an error reported: the caller gets `undefined`.
 */
export function parseResourceAttributes(text: string): ResourceAttributes | undefined {
  const out: ResourceAttributes = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    try {
      const key = decodeURIComponent(part.slice(0, eq).trim());
      if (!key) return undefined;
      out[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return out;
}

export function otelEnvAttributes(env: Env, diag: Diag): ResourceAttributes {
  const out: ResourceAttributes = {};
  const raw = text(env[ENV_OTEL_RESOURCE_ATTRIBUTES]);
  if (raw) {
    const parsed = parseResourceAttributes(raw);
    if (parsed) Object.assign(out, parsed);
    else {
      diag.warn(
        'resource-otel-env',
        `${ENV_OTEL_RESOURCE_ATTRIBUTES} is not a list of key=value pairs with valid percent-encoding; ignored whole`,
      );
    }
  }
  // The spec: OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES.
  const serviceName = text(env[ENV_OTEL_SERVICE_NAME]);
  if (serviceName) out['service.name'] = serviceName;
  return out;
}
