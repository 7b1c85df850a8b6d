import fs, { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResourceProvider } from '../../src/resource/index.js';
import { until } from '../helpers/wait.js';
import { detection } from './helpers/detection.js';
import { captureDiag } from './helpers/diag-capture.js';
import { writePodinfo } from './helpers/kubelet-volume.js';

// inotify runs out (ENOSPC: max_user_watches) on busy nodes: fs.watch then throws. podlog reads
// `watch` from node:fs's CJS object at the call (src/resource/podinfo-watch.ts), so a spy on it
// stands in for the kernel.
beforeEach(() => {
  vi.spyOn(fs, 'watch').mockImplementation(() => {
    throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
      code: 'ENOSPC',
    });
  });
});

let tmp: string | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Downward API volume: poll fallback', () => {
  it('picks up a ..data swap by polling when fs.watch is unavailable, with one info line', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'podlog-poll-'));
    const dir = join(tmp, 'podinfo');
    writePodinfo(dir, { version: 'v1' });
    const { diag, lines } = captureDiag();
    const p = new ResourceProvider(
      { detection: detection({ podinfoDir: dir, pollIntervalMs: 100 }) },
      {},
      diag,
    );
    try {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/cannot watch .*ENOSPC.*polling every 100 ms/);
      const seen: unknown[] = [];
      p.onChange((a) => seen.push(a['k8s.pod.label.version']));
      writePodinfo(dir, { version: 'v2' });
      await until(() => seen.length > 0, 'the poll to see v2');
      expect(seen).toEqual(['v2']);
    } finally {
      p.close();
    }
  });
});
