/**
 * Layer 4: the Downward API volume. The kubelet's AtomicWriter keeps each version of the
 * files in a timestamped directory (`..2026_11_27_10_00_00.123456789/`), points the `..data`
 * symlink at it, and exposes `labels -> ..data/labels`. An update writes a new directory in
 * full, then renames a fresh symlink over `..data`: the swap is atomic, the files are never
 * rewritten in place. So podlog resolves `..data` once, reads both files from that directory,
 * and checks `..data` did not move meanwhile; a half-written file is never seen.
 *
 * Updates are noticed by the resource that reads it (detect.ts); a snapshot becomes resource
 * attributes and the annotation map exposed to runtime control in {@link podinfoLayer}.
 */
import { join, resolve } from 'node:path';
import type { Diag } from '../diag.js';
import { parseDownwardMap } from './go-quoted.js';
import { matchesAny, type ResourceDetectionConfig } from './options.js';
import { readSmallFile, type SmallFile } from './read-small-file.js';
import type { PodAnnotations, ResourceAttributes } from './types.js';

// node:fs's CJS object: an ESM import evaluates fs.promises and the streams (docs/performance.md).
const fs = process.getBuiltinModule('node:fs');

export interface PodinfoSnapshot {
  /** Changes whenever the content may have: the `..data` target, or the files' stat. */
  readonly signature: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly annotations: ReadonlyMap<string, string>;
  /** False when `..data` kept moving through every attempt: the maps may mix versions. */
  readonly stable: boolean;
}

const PODINFO_FILES = ['labels', 'annotations'] as const;
const DATA_LINK = '..data';
const MAX_ATTEMPTS = 8;

/** The `..data` target, `''` for a plain directory, `undefined` when the dir is gone. */
function dataTarget(dir: string): string | undefined {
  try {
    return fs.readlinkSync(join(dir, DATA_LINK));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') {
      // No symlink (or not a symlink): a plain directory, e.g. a ConfigMap-free test setup.
      try {
        return fs.statSync(dir).isDirectory() ? '' : undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

function statSignature(path: string): string {
  try {
    const st = fs.statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return '-';
  }
}

/**
 * Cheap check, run on each watch event and poll tick: one `readlink` with the kubelet's
 * layout, a `stat` per file without it. `undefined` when the dir does not exist.
 */
export function podinfoSignature(dir: string): string | undefined {
  const target = dataTarget(dir);
  if (target === undefined) return undefined;
  if (target) return `data:${target}`;
  return `stat:${PODINFO_FILES.map((f) => statSignature(join(dir, f))).join('|')}`;
}

/**
 * Reads `labels` and `annotations` as one consistent version. Bad or missing files and
 * malformed lines cost one diagnostic line each; the rest is kept. `undefined` when the dir
 * does not exist. Never throws.
 */
export function readPodinfo(dir: string, maxFileBytes: number, diag: Diag): PodinfoSnapshot | undefined {
  let signature: string | undefined;
  let files: SmallFile[] = [];
  let stable = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && !stable; attempt++) {
    signature = podinfoSignature(dir);
    if (signature === undefined) return undefined;
    const base = signature.startsWith('data:') ? resolve(dir, signature.slice('data:'.length)) : dir;
    files = PODINFO_FILES.map((f) => readSmallFile(join(base, f), maxFileBytes));
    // A swap during the reads would mix two versions (or hit the removed old dir): retry.
    stable = podinfoSignature(dir) === signature;
  }
  const maps = files.map((file, i) => {
    const name = PODINFO_FILES[i];
    const path = join(dir, name);
    if (!file.ok) {
      if (file.reason === 'too-large') {
        diag.warn(`resource-podinfo-${name}`, `skipped ${path}: ${file.detail}, over podinfo.maxFileBytes`);
      } else if (file.reason === 'unreadable') {
        diag.warn(`resource-podinfo-${name}`, `cannot read ${path} (${file.detail}); skipped`);
      }
      return new Map<string, string>();
    }
    const parsed = parseDownwardMap(file.text);
    if (parsed.badLines.length > 0) {
      diag.warn(
        `resource-podinfo-${name}`,
        `skipped ${parsed.badLines.length} malformed line(s) in ${path} (first: line ${parsed.badLines[0]}); expected key="Go-quoted value"`,
      );
    }
    return parsed.entries;
  });
  if (files.every((f) => !f.ok && f.reason === 'missing')) {
    diag.warn(
      'resource-podinfo-empty',
      `${dir} has neither a labels nor an annotations file; mount the Downward API volume with items of those paths`,
    );
  }
  return { signature: signature ?? '', labels: maps[0], annotations: maps[1], stable };
}

/** OTel k8s semconv: `resource.opentelemetry.io/<attribute>` pod annotations set `<attribute>` itself. */
const RESOURCE_ANNOTATION_PREFIX = 'resource.opentelemetry.io/';

export interface PodinfoLayer {
  attributes: ResourceAttributes;
  /** Every annotation within `maxValueLength`, before allow/deny. */
  annotations: PodAnnotations;
  labels: ReadonlyMap<string, string>;
}

/**
 * Turns a snapshot (none: no volume) into resource attributes and the annotation map exposed
 * to runtime control.
 */
export function podinfoLayer(
  snapshot: PodinfoSnapshot | undefined,
  limits: ResourceDetectionConfig,
  diag: Diag,
): PodinfoLayer {
  const attributes: ResourceAttributes = {};
  const annotations: Record<string, string> = {};
  if (!snapshot) return { attributes, annotations: Object.freeze(annotations), labels: new Map() };
  for (const [key, value] of snapshot.labels) attributes[`k8s.pod.label.${key}`] = value;
  let oversized = 0;
  let firstOversized = '';
  for (const [key, value] of snapshot.annotations) {
    const onResource =
      (limits.annotationAllow === undefined || matchesAny(key, limits.annotationAllow)) &&
      !matchesAny(key, limits.annotationDeny);
    if (value.length > limits.maxValueLength) {
      // Denied ones (last-applied-configuration) are expected to be huge: no noise for them.
      if (onResource) {
        oversized++;
        firstOversized ||= key;
      }
      continue;
    }
    annotations[key] = value;
    if (key.startsWith(RESOURCE_ANNOTATION_PREFIX) && key.length > RESOURCE_ANNOTATION_PREFIX.length) {
      attributes[key.slice(RESOURCE_ANNOTATION_PREFIX.length)] = value;
    } else if (onResource) {
      attributes[`k8s.pod.annotation.${key}`] = value;
    }
  }
  if (oversized > 0) {
    diag.warn(
      'resource-podinfo-annotation-size',
      `skipped ${oversized} annotation(s) longer than podinfo.maxValueLength (${limits.maxValueLength}), first: ${firstOversized}`,
    );
  }
  return { attributes, annotations: Object.freeze(annotations), labels: snapshot.labels };
}
