import { join } from 'node:path';
import { type ResourceDetectionConfig, resolveResourceOptions } from '../../../src/resource/index.js';

const fixtures = join(import.meta.dirname, '../../fixtures/cgroup');

/** Detection settings isolated from the machine running the tests: host cgroup fixtures, no namespace file. */
export function detection(overrides: Partial<ResourceDetectionConfig> = {}): ResourceDetectionConfig {
  return {
    ...resolveResourceOptions({}, {}),
    podinfoDir: undefined,
    paths: {
      cgroup: join(fixtures, 'host-v2.cgroup'),
      mountinfo: join(fixtures, 'host.mountinfo'),
      namespaceFile: join(fixtures, 'no-namespace-file'),
    },
    ...overrides,
  };
}
