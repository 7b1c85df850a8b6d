/** Turns a Downward API snapshot into resource attributes and the annotation map exposed to runtime control. */
import type { Diag } from '../diag.js';
import { matchesAny, type ResourceDetectionConfig } from './options.js';
import type { PodinfoSnapshot } from './podinfo-read.js';
import type { PodAnnotations, ResourceAttributes } from './types.js';

/** OTel k8s semconv: `resource.opentelemetry.io/<attribute>` pod annotations set `<attribute>` itself. */
const RESOURCE_ANNOTATION_PREFIX = 'resource.opentelemetry.io/';

export interface PodinfoLayer {
  attributes: ResourceAttributes;
  /** Every annotation within `maxValueLength`, before allow/deny. */
  annotations: PodAnnotations;
  labels: ReadonlyMap<string, string>;
}

type Limits = Pick<ResourceDetectionConfig, 'annotationAllow' | 'annotationDeny' | 'maxValueLength'>;

export function podinfoLayer(snapshot: PodinfoSnapshot, limits: Limits, diag: Diag): PodinfoLayer {
  const attributes: ResourceAttributes = {};
  for (const [key, value] of snapshot.labels) attributes[`k8s.pod.label.${key}`] = value;
  const annotations: Record<string, string> = {};
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
