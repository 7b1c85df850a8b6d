import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  containerIdFromCgroup,
  detectContainerId,
  ResourceProvider,
  resolveResourceOptions,
} from '../../src/resource/index.js';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/cgroup', name);
const missing = fixture('does-not-exist');

const DOCKER = '3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8';
const CONTAINERD = '9b8a7c6d5e4f30211f2e3d4c5b6a79881726354453627180a9b8c7d6e5f4a3b2';
const CRIO = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const SYSTEMD_CONTAINERD = 'd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2';

describe('container.id from /proc/self/cgroup and /proc/self/mountinfo', () => {
  it.each([
    ['cgroup v1, docker', 'v1-docker.cgroup', 'host.mountinfo', DOCKER],
    [
      'cgroup v1, kubepods (containerd, cgroupfs driver)',
      'v1-kubepods-containerd.cgroup',
      'host.mountinfo',
      CONTAINERD,
    ],
    ['cgroup v1, cri-o with systemd (conmon line skipped)', 'v1-systemd-crio.cgroup', 'host.mountinfo', CRIO],
    [
      'cgroup v2 without a cgroup namespace, containerd scope',
      'v2-host-ns-containerd.cgroup',
      'host.mountinfo',
      SYSTEMD_CONTAINERD,
    ],
    [
      'cgroup v2 namespaced, docker bind mounts in mountinfo',
      'v2-namespaced.cgroup',
      'v2-docker.mountinfo',
      DOCKER,
    ],
    ['cgroup v2 namespaced, cri-o userdata in mountinfo', 'v2-namespaced.cgroup', 'v2-crio.mountinfo', CRIO],
  ])('%s', (_, cgroup, mountinfo, expected) => {
    expect(detectContainerId({ cgroup: fixture(cgroup), mountinfo: fixture(mountinfo) })).toBe(expected);
  });

  it.each([
    ['a host process on cgroup v1', 'host-v1.cgroup', 'host.mountinfo'],
    ['a host process on cgroup v2', 'host-v2.cgroup', 'host.mountinfo'],
    [
      'containerd v2 where only the pod sandbox id is visible',
      'v2-namespaced.cgroup',
      'v2-containerd-sandbox-only.mountinfo',
    ],
  ])('no container id for %s', (_, cgroup, mountinfo) => {
    expect(detectContainerId({ cgroup: fixture(cgroup), mountinfo: fixture(mountinfo) })).toBeUndefined();
  });

  it('no container id and no throw when neither file exists (macOS, Windows)', () => {
    expect(detectContainerId({ cgroup: missing, mountinfo: missing })).toBeUndefined();
  });

  it('ignores ids of the wrong length and lines without a path', () => {
    expect(containerIdFromCgroup('garbage\n12:memory:/docker/abc123\n')).toBeUndefined();
    expect(containerIdFromCgroup(`5:cpu:/docker/${DOCKER.toUpperCase()}`)).toBeUndefined();
  });

  it('puts container.id on the resource (and leaves it off without a container)', () => {
    const paths = (cgroup: string) => ({
      ...resolveResourceOptions({}, {}),
      podinfoDir: undefined,
      paths: { cgroup: fixture(cgroup), mountinfo: fixture('host.mountinfo'), namespaceFile: missing },
    });
    const inDocker = new ResourceProvider({ detection: paths('v1-docker.cgroup') }, {});
    expect(inDocker.current()['container.id']).toBe(DOCKER);
    const onHost = new ResourceProvider({ detection: paths('host-v2.cgroup') }, {});
    expect(onHost.current()).not.toHaveProperty('container.id');
  });
});
