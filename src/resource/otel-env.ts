/** Layer 5 (env half): `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME`, as the OTel SDK spec reads them. */
import type { Diag } from '../diag.js';
import { envValue, parseKeyValueList } from '../env.js';
import { ENV_OTEL_RESOURCE_ATTRIBUTES, ENV_OTEL_SERVICE_NAME } from './env-names.js';
import type { Env, ResourceAttributes } from './types.js';

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
