/**
 * Resource detection options and their resolution. Code wins over env, env over defaults;
 * validated once at `createLogger`.
 */
import * as opt from '../config/schema.js';
import { isPlainObject } from '../config/validate.js';
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';
import { ENV_PODINFO_DIR } from './env-attributes.js';
import type { ResourceAttributes } from './types.js';

/** Where the kubelet's Downward API volume is mounted by convention. */
export const DEFAULT_PODINFO_DIR = '/etc/podinfo';

/**
 * Annotations never put on the resource unless `annotationDeny` is replaced: large and
 * meaningless to a log reader, or podlog's own control knobs.
 */
export const DEFAULT_ANNOTATION_DENY: readonly string[] = Object.freeze([
  'kubectl.kubernetes.io/last-applied-configuration',
  'podlog.dev/*',
]);

/** Tuning of the Downward API volume reader. */
export interface PodinfoOptions {
  /**
   * Only annotations matching one of these go on the resource. A pattern is an exact key or a
   * prefix ending in `*` (`example.com/*`). Default: all (minus `annotationDeny`).
   */
  annotationAllow?: readonly string[];
  /** Annotations never put on the resource. Replaces {@link DEFAULT_ANNOTATION_DENY}; spread it to extend. */
  annotationDeny?: readonly string[];
  /** A `labels` or `annotations` file larger than this is skipped whole. Default 512 KiB. */
  maxFileBytes?: number;
  /** An annotation value longer than this (in characters) is skipped. Default 4,096. */
  maxValueLength?: number;
  /** The slow poll behind `fs.watch`, in ms. Default 10,000. */
  pollIntervalMs?: number;
  /** Watch the volume for updates. Default `true`. */
  watch?: boolean;
}

/** Resource options given at the top level of `createLogger` options. */
export interface ResourceOptions {
  /**
   * Directory of the Downward API volume holding `labels` and `annotations` files.
   * Env: `PODLOG_PODINFO_DIR`. Default `/etc/podinfo` (silently skipped when absent). `false` turns it off.
   */
  podinfoDir?: string | false;
  /** How the Downward API volume is read and watched. */
  podinfo?: PodinfoOptions;
}

/** Fixed paths, injectable for fixture tests. */
const DEFAULT_RESOURCE_PATHS: Readonly<Record<'cgroup' | 'mountinfo' | 'namespaceFile', string>> =
  Object.freeze({
    cgroup: '/proc/self/cgroup',
    mountinfo: '/proc/self/mountinfo',
    namespaceFile: '/var/run/secrets/kubernetes.io/serviceaccount/namespace',
  });

const PATTERNS = 'an array of non-empty strings (exact keys or prefixes ending in *)';

const PODINFO_OPTIONS = {
  annotationAllow: opt.strings({ accepts: PATTERNS, defaultText: 'all (minus `annotationDeny`)' }),
  annotationDeny: opt.strings({
    accepts: PATTERNS,
    default: DEFAULT_ANNOTATION_DENY,
    defaultText: '`kubectl.kubernetes.io/last-applied-configuration`, `podlog.dev/*`',
  }),
  maxFileBytes: opt.int({ min: 1, default: 512 * 1024 }),
  maxValueLength: opt.int({ min: 1, default: 4096 }),
  pollIntervalMs: opt.ms({ min: 100, default: 10_000 }),
  watch: opt.bool({ default: true }),
} satisfies Record<keyof PodinfoOptions, opt.OptionSpec>;

export const RESOURCE_OPTIONS = {
  podinfoDir: opt.value<string | false | undefined>(
    {
      accepts: 'path \\| `false`',
      env: ENV_PODINFO_DIR,
      defaultText: '`/etc/podinfo` (skipped when absent)',
    },
    (v) => v === false || (typeof v === 'string' && v !== ''),
    'a directory path or false',
    String,
  ),
  podinfo: opt.group(PODINFO_OPTIONS, 'an object'),
} satisfies Record<keyof ResourceOptions, opt.OptionSpec>;

export type ResourceDetectionConfig = ReturnType<typeof resolveResourceOptions>;

export function resolveResourceOptions(options: ResourceOptions, env: Env) {
  const { podinfoDir: asked, podinfo } = opt.resolveFields(RESOURCE_OPTIONS, options, '', env);
  return Object.freeze({
    ...podinfo,
    /** `undefined`: no volume. */
    podinfoDir: asked === false ? undefined : (asked ?? DEFAULT_PODINFO_DIR),
    /** True when the dir was asked for (option or env), so its absence deserves a diagnostic. */
    podinfoDirExplicit: typeof asked === 'string',
    paths: DEFAULT_RESOURCE_PATHS,
  });
}

/**
 * The `resource` option: a plain object of attribute → string, finite number or boolean (what
 * an OTLP resource attribute holds here); an `undefined` value is skipped. Anything else would be
 * dropped or mangled at encoding, so it fails at `createLogger`, naming the key.
 */
export function resolveResourceAttributes(value: unknown): Readonly<ResourceAttributes> {
  if (value === undefined) return Object.freeze({});
  if (!isPlainObject(value)) {
    throw new InvalidOptionError(
      'resource',
      value,
      "an object of attribute → string, number or boolean, e.g. { 'deployment.environment': 'prod' }",
    );
  }
  const out: ResourceAttributes = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '') throw new InvalidOptionError('resource', '', 'non-empty attribute keys');
    // Skipped, not refused: `{ version: process.env.APP_VERSION }` with the variable unset.
    if (v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
      out[key] = v;
      continue;
    }
    throw new InvalidOptionError(`resource.${key}`, v, 'a string, a finite number or a boolean');
  }
  return Object.freeze(out);
}

/** True when `key` matches one of `list` (exact key, or prefix for a pattern ending in `*`). */
export function matchesAny(key: string, list: readonly string[]): boolean {
  for (const pattern of list) {
    if (pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern) return true;
  }
  return false;
}
