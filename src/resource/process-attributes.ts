/** Layer 1: the process, its runtime, the host and podlog itself. */
import { hostname } from 'node:os';
import { VERSION } from '../version.js';
import type { ResourceAttributes } from './types.js';

export function processAttributes(): ResourceAttributes {
  return {
    'telemetry.sdk.name': 'podlog',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': VERSION,
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'host.name': safeHostname(),
  };
}

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return 'unknown';
  }
}
