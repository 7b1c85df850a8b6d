/**
 * Shapes shared by the resource stage: the flat attribute map and the pod annotations.
 */

/** Flat resource attributes, encoded once per change into the OTLP `Resource`. */
export type ResourceAttributes = Record<string, string | number | boolean>;

/** Pod annotations as read from the Downward API volume, key → value. */
export type PodAnnotations = Readonly<Record<string, string>>;
