import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResourceProvider, readPodinfo } from '../../src/resource/index.js';
import { until } from '../helpers/wait.js';
import { detection } from './helpers/detection.js';
import { captureDiag } from './helpers/diag-capture.js';
import { formatMap, writePodinfo, writeVolume } from './helpers/kubelet-volume.js';

let tmp: string;
let dir: string;
const providers: ResourceProvider[] = [];
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'podlog-podinfo-'));
  dir = join(tmp, 'podinfo');
});
afterEach(() => {
  for (const p of providers.splice(0)) p.close();
  rmSync(tmp, { recursive: true, force: true });
});

function detect(overrides: Parameters<typeof detection>[0] = {}, diag = captureDiag().diag) {
  const p = new ResourceProvider({ detection: detection({ podinfoDir: dir, ...overrides }) }, {}, diag);
  providers.push(p);
  return p;
}

describe('Downward API volume: reading', () => {
  it('reads labels and annotations through ..data into k8s.pod.label.* / k8s.pod.annotation.*', () => {
    writePodinfo(dir, { app: 'checkout', tier: 'web "front"' }, { 'example.com/owner': 'team-é' });
    const r = detect({ watch: false }).current();
    expect(r).toMatchObject({
      'k8s.pod.label.app': 'checkout',
      'k8s.pod.label.tier': 'web "front"',
      'k8s.pod.annotation.example.com/owner': 'team-é',
    });
  });

  it('skips last-applied-configuration and podlog.dev/* on the resource, but exposes them to annotations()', () => {
    const big = JSON.stringify({ kind: 'Deployment', spec: { note: 'x'.repeat(2000) } });
    writePodinfo(
      dir,
      {},
      {
        'kubectl.kubernetes.io/last-applied-configuration': big,
        'podlog.dev/level': 'debug',
        keep: 'yes',
      },
    );
    const { diag, lines } = captureDiag();
    const p = detect({ watch: false }, diag);
    const attrs = Object.keys(p.current()).filter((k) => k.startsWith('k8s.pod.annotation.'));
    expect(attrs).toEqual(['k8s.pod.annotation.keep']);
    expect(p.annotations()).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration': big,
      'podlog.dev/level': 'debug',
      keep: 'yes',
    });
    expect(lines).toEqual([]);
  });

  it('applies allow and deny patterns (exact keys and prefix*)', () => {
    writePodinfo(dir, {}, { 'a.io/x': '1', 'a.io/y': '2', 'b.io/z': '3', other: '4' });
    const r = detect({
      watch: false,
      annotationAllow: ['a.io/*', 'other'],
      annotationDeny: ['a.io/y'],
    }).current();
    expect(Object.keys(r).filter((k) => k.startsWith('k8s.pod.annotation.'))).toEqual([
      'k8s.pod.annotation.a.io/x',
      'k8s.pod.annotation.other',
    ]);
  });

  it('skips a huge annotation with one diagnostic line and keeps the rest', () => {
    writePodinfo(dir, { app: 'a' }, { huge: 'y'.repeat(5000), small: 'ok' });
    const { diag, lines } = captureDiag();
    const p = detect({ watch: false }, diag);
    expect(p.current()).toMatchObject({ 'k8s.pod.label.app': 'a', 'k8s.pod.annotation.small': 'ok' });
    expect(p.current()).not.toHaveProperty('k8s.pod.annotation.huge');
    expect(p.annotations()).not.toHaveProperty('huge');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/maxValueLength.*huge/);
  });

  it('skips a file over maxFileBytes whole, with one line, keeping the other file', () => {
    writePodinfo(dir, { app: 'a' }, { note: 'z'.repeat(3000) });
    const { diag, lines } = captureDiag();
    const p = detect({ watch: false, maxFileBytes: 1024 }, diag);
    expect(p.current()['k8s.pod.label.app']).toBe('a');
    expect(p.annotations()).toEqual({});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('annotations');
  });

  it('skips malformed lines with one diagnostic line and keeps the good ones', () => {
    writeVolume(dir, { labels: 'good="1"\nbroken line\nalso="2"', annotations: '' });
    const { diag, lines } = captureDiag();
    const r = detect({ watch: false }, diag).current();
    expect(r).toMatchObject({ 'k8s.pod.label.good': '1', 'k8s.pod.label.also': '2' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/1 malformed line.*line 2/);
  });

  it('an unreadable file costs one line, never a throw', () => {
    // A directory where a file should be is unreadable as a file, even for root.
    mkdirSync(dir);
    writeFileSync(join(dir, 'labels'), formatMap({ app: 'flat' }));
    mkdirSync(join(dir, 'annotations'));
    const { diag, lines } = captureDiag();
    expect(detect({ watch: false }, diag).current()['k8s.pod.label.app']).toBe('flat');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot read .*annotations/);
    if (process.getuid?.() !== 0) {
      chmodSync(join(dir, 'labels'), 0o000);
      const second = captureDiag();
      expect(() => detect({ watch: false }, second.diag)).not.toThrow();
      expect(second.lines.some((l) => l.includes('EACCES'))).toBe(true);
    }
  });

  it('a missing default dir is silent; a missing explicit dir says so once', () => {
    const quiet = captureDiag();
    detect({ podinfoDirExplicit: false }, quiet.diag);
    expect(quiet.lines).toEqual([]);
    const loud = captureDiag();
    detect({ podinfoDirExplicit: true }, loud.diag);
    expect(loud.lines).toHaveLength(1);
    expect(loud.lines[0]).toContain('does not exist');
  });

  it('a dir with neither file says so once', () => {
    mkdirSync(dir);
    const { diag, lines } = captureDiag();
    detect({ watch: false }, diag);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('neither a labels nor an annotations file');
  });

  it('reads a plain directory (no ..data) too', () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'labels'), formatMap({ app: 'plain' }));
    expect(detect({ watch: false }).current()['k8s.pod.label.app']).toBe('plain');
  });

  it('reads both files from one ..data target, even if the user-visible links point elsewhere', () => {
    writePodinfo(dir, { gen: '1' }, { gen: '1' });
    // A stale visible link must not matter: podlog resolves ..data itself.
    rmSync(join(dir, 'labels'));
    symlinkSync(join(tmp, 'nowhere'), join(dir, 'labels'));
    const snap = readPodinfo(dir, 1 << 20, captureDiag().diag);
    expect(snap?.labels.get('gen')).toBe('1');
    expect(snap?.annotations.get('gen')).toBe('1');
    expect(snap?.signature).toMatch(/^data:\.\.2026_11_27_10_00_\d\d\.\d{9}$/);
  });
});

describe('Downward API volume: live updates', () => {
  it('notices a ..data swap, notifies onChange with new labels, and current() changes identity', async () => {
    writePodinfo(dir, { version: 'v1' }, { 'podlog.dev/level': 'info' });
    const p = detect({ pollIntervalMs: 60_000 });
    const before = p.current();
    const seen: string[] = [];
    const annotationsSeen: string[] = [];
    p.onChange((a) => seen.push(String(a['k8s.pod.label.version'])));
    p.onAnnotations((a) => annotationsSeen.push(a['podlog.dev/level']));
    writePodinfo(dir, { version: 'v2' }, { 'podlog.dev/level': 'debug' });
    await until(() => seen.length > 0, 'the v2 labels');
    expect(seen).toEqual(['v2']);
    expect(annotationsSeen).toEqual(['debug']);
    expect(p.current()).not.toBe(before);
    expect(before['k8s.pod.label.version']).toBe('v1');
    expect(p.current()['k8s.pod.label.version']).toBe('v2');
    expect(p.annotations()['podlog.dev/level']).toBe('debug');
  });

  it('an annotation-only change outside the resource notifies onAnnotations but not onChange', async () => {
    writePodinfo(dir, { app: 'a' }, { 'podlog.dev/level': 'info' });
    const p = detect({ pollIntervalMs: 60_000 });
    let changes = 0;
    const levels: string[] = [];
    p.onChange(() => changes++);
    p.onAnnotations((a) => levels.push(a['podlog.dev/level'] ?? '(removed)'));
    writePodinfo(dir, { app: 'a' }, { 'podlog.dev/level': 'debug' });
    await until(() => levels.length === 1, 'the debug annotation');
    writePodinfo(dir, { app: 'a' }, {});
    await until(() => levels.length === 2, 'the annotation removal');
    expect(levels).toEqual(['debug', '(removed)']);
    expect(changes).toBe(0);
  });

  it('close() stops updates', () => {
    writePodinfo(dir, { version: 'v1' });
    // Fake timers drive both providers' polls (and the watch debounce) deterministically.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const closed = detect({ pollIntervalMs: 100 });
      const open = detect({ pollIntervalMs: 100 });
      let notified = 0;
      let openNotified = 0;
      closed.onChange(() => notified++);
      open.onChange(() => openNotified++);
      closed.close();
      writePodinfo(dir, { version: 'v2' });
      // Three poll periods (each poll + its debounce): the open twin, created the same instant
      // with the same interval, must have seen the swap, so the closed one would have too.
      vi.advanceTimersByTime(3 * 100 + 25);
      expect(openNotified).toBe(1);
      expect(open.current()['k8s.pod.label.version']).toBe('v2');
      expect(notified).toBe(0);
      expect(closed.current()['k8s.pod.label.version']).toBe('v1');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Downward API volume: consistency under concurrent swaps', () => {
  it('never sees a half-written file or labels and annotations of two different versions', async () => {
    writeVolume(dir, { labels: 'gen="0"', annotations: 'gen="0"' });
    const writer = spawn(
      process.execPath,
      [join(import.meta.dirname, 'helpers/swap-writer.mjs'), dir, '200'],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((r) => writer.on('exit', (code) => r(code)));
    let done = false;
    void exited.then(() => {
      done = true;
    });
    const { diag, lines } = captureDiag();
    let reads = 0;
    const gens = new Set<string>();
    try {
      while (!done) {
        const snap = readPodinfo(dir, 1 << 20, diag);
        const gen = snap?.labels.get('gen');
        expect(gen).toMatch(/^\d+$/);
        expect(snap?.annotations.get('gen')).toBe(gen);
        expect(snap?.labels.get('pad') ?? '').toHaveLength(gen === '0' ? 0 : 20_000);
        gens.add(gen as string);
        reads++;
        // Let the exit event through now and then.
        if (reads % 20 === 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      writer.kill('SIGKILL');
    }
    expect(await exited).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(gens.size).toBeGreaterThan(1);
    expect(lines).toEqual([]);
  });
});
