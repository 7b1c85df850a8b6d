/**
 * Shapes shared by the resource stage: the flat attribute map and the provider the facade
 * reads it from.
 */

/** Flat resource attributes, encoded once per change into the OTLP `Resource`. */
export type ResourceAttributes = Record<string, string | number | boolean>;

/** Pod annotations as read from the Downward API volume, key → value. */
export type PodAnnotations = Readonly<Record<string, string>>;

/**
 * Who is logging, kept current. `current()` and `annotations()` return frozen objects whose
 * identity changes exactly when their content does.
 */
export interface ResourceProvider {
  /** Current attributes. A new object whenever they change (identity signals change). */
  current(): Readonly<ResourceAttributes>;
  /** Calls `listener` after each change of the attributes. Returns an unsubscribe function. */
  onChange(listener: (attributes: Readonly<ResourceAttributes>) => void): () => void;
  /**
   * Every pod annotation parsed from the Downward API `annotations` file, before the
   * resource allow/deny lists (so `podlog.dev/*` control annotations are here even though
   * they are not put on the resource). Values longer than `podinfo.maxValueLength` are left out.
   * Empty when there is no volume.
   */
  annotations(): PodAnnotations;
  /** Calls `listener` after each change of {@link ResourceProvider.annotations}. Returns an unsubscribe function. */
  onAnnotations(listener: (annotations: PodAnnotations) => void): () => void;
  /** Stops watching the volume. Idempotent. `current()` keeps answering. */
  close(): void;
}
