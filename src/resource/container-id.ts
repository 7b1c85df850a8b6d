/**
 * Layer 2: `container.id`. cgroup v1 (and v2 without a private cgroup namespace) names the
 * container in `/proc/self/cgroup`; under cgroup v2 with a namespace that file says only
 * `0::/`, and the id shows up in `/proc/self/mountinfo` in the paths the runtime bind-mounts
 * (`/etc/hostname`, `/etc/hosts`) from its per-container directory.
 */
import { readSmallFile } from './read-small-file.js';

const ID = /^[0-9a-f]{64}$/;
const MAX_PROC_BYTES = 256 * 1024;

/**
 * The container id in one cgroup path segment: `<id>`, `docker-<id>.scope`, `crio-<id>.scope`,
 * `cri-containerd-<id>.scope`, `cri-containerd:<id>` (the runtime prefix ends at the last `-` or `:`).
 */
function idFromSegment(segment: string): string | undefined {
  // crio-conmon-<id> is the monitor process's cgroup, not the container's.
  if (segment.includes('conmon')) return undefined;
  const bare = segment.endsWith('.scope') ? segment.slice(0, -'.scope'.length) : segment;
  const cut = Math.max(bare.lastIndexOf('-'), bare.lastIndexOf(':'));
  const id = bare.slice(cut + 1);
  return ID.test(id) ? id : undefined;
}

/** Parses `/proc/self/cgroup` (`hierarchy-id:controllers:path` per line). */
export function containerIdFromCgroup(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const segments = line
      .slice(second + 1)
      .trim()
      .split('/');
    for (let i = segments.length - 1; i >= 0; i--) {
      const id = idFromSegment(segments[i]);
      if (id) return id;
    }
  }
  return undefined;
}

/**
 * Parses `/proc/self/mountinfo`: the 4th field is the mount root inside its filesystem.
 * Docker: `/var/lib/docker/containers/<id>/hostname`; cri-o/podman:
 * `/var/lib/containers/storage/overlay-containers/<id>/userdata/hostname`. containerd's
 * `sandboxes/<id>` paths name the pod sandbox, not this container, and are skipped.
 */
function containerIdFromMountinfo(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const root = line.split(' ')[3];
    if (!root || root.includes('/sandboxes/')) continue;
    const m = /\/(?:containers|overlay-containers)\/([0-9a-f]{64})(?:\/|$)/.exec(root);
    if (m) return m[1];
    const crio = /\/crio-([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(root);
    if (crio) return crio[1];
  }
  return undefined;
}

/** Reads both files; `undefined` outside a container or when neither says. Never throws. */
export function detectContainerId(paths: { cgroup: string; mountinfo: string }): string | undefined {
  const cgroup = readSmallFile(paths.cgroup, MAX_PROC_BYTES);
  const fromCgroup = cgroup.ok ? containerIdFromCgroup(cgroup.text) : undefined;
  if (fromCgroup) return fromCgroup;
  const mountinfo = readSmallFile(paths.mountinfo, MAX_PROC_BYTES);
  return mountinfo.ok ? containerIdFromMountinfo(mountinfo.text) : undefined;
}
