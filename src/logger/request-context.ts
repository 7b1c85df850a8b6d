/**
 * The request context: fields that every record logged while handling one request carries
 * (its request id, typically), without passing a child logger down the call chain. It lives
 * in an `AsyncLocalStorage`, so it follows the request through `await`, timers and callbacks.
 *
 * The fields are encoded once per logger core (lazily, on the first record logged in the
 * context, and cached in the context) and copied into each record as one byte range after
 * the logger's own bindings. With no context active an enabled call pays one
 * `AsyncLocalStorage.getStore()`; a disabled call pays nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { encodeBindings } from '../record/encode-bindings.js';
import { ownEntries } from '../record/read-property.js';
import type { EncodedBindings } from '../record/types.js';
import type { LoggerCore } from './logger-state.js';

/** Attribute name of the request id in records logged inside a request context. */
export const REQUEST_ID_ATTRIBUTE = 'http.request.id';

/** Empty bindings are no bindings: the write path then skips them with one compare. */
export function nonEmpty(bindings: EncodedBindings | undefined): EncodedBindings | undefined {
  return bindings !== undefined && bindings.keys.length + bindings.dropped > 0 ? bindings : undefined;
}

/**
 * One request's context. Create one per request and run the handler in it with
 * {@link runWithRequestContext}; `podlog/http`, `podlog/fastify` and `podlog/nest` do this
 * for you.
 *
 * @example
 * const ctx = new RequestContext({ 'tenant.id': tenant }, requestId);
 * runWithRequestContext(ctx, () => handle(job)); // every log call inside carries both fields
 */
export class RequestContext {
  readonly #fields: Readonly<Record<string, unknown>>;
  readonly #requestId: string | undefined;
  // One logger core is the common case: one slot, no map lookup on the write path.
  #core: LoggerCore | undefined;
  #encoded: EncodedBindings | undefined;
  #others: WeakMap<LoggerCore, EncodedBindings | undefined> | undefined;
  #tail: unknown;

  /**
   * @param fields - attributes of every record logged in this context (copied: later changes
   *   to the object are not seen). Redacted and bounded like any fields; never throws (a
   *   throwing getter is logged as `"[Unserializable]"`).
   * @param requestId - the request id; when given, it is also added as the
   *   `http.request.id` attribute unless `fields` already has that key.
   */
  constructor(fields: Readonly<Record<string, unknown>> = {}, requestId?: string) {
    // A revoked Proxy gives no fields: creating a context never throws, like a log call.
    const given = fields !== null && typeof fields === 'object' ? ownEntries(fields) : [];
    const id: [string, unknown][] = requestId === undefined ? [] : [[REQUEST_ID_ATTRIBUTE, requestId]];
    this.#fields = Object.freeze(Object.fromEntries([...id, ...given]));
    this.#requestId = requestId;
  }

  /** The request id given to the constructor, if any. */
  get requestId(): string | undefined {
    return this.#requestId;
  }

  /** The fields records logged in this context carry (frozen). */
  get fields(): Readonly<Record<string, unknown>> {
    return this.#fields;
  }

  /**
   * Extension point for a helper that keeps per-request state next to the context (for
   * example a tail buffer of the request's records). `undefined` unless something set it;
   * podlog's write path does not read it.
   */
  get tail(): unknown {
    return this.#tail;
  }

  set tail(value: unknown) {
    this.#tail = value;
  }

  /**
   * @internal The fields encoded for `core`'s limits and redaction; `undefined` when there are
   * none. The write path reads it through {@link activeContextBindings}.
   */
  bindingsFor(core: LoggerCore): EncodedBindings | undefined {
    if (this.#core === core) return this.#encoded;
    if (this.#core === undefined) {
      this.#core = core;
      this.#encoded = encodeContext(this.#fields, core);
      return this.#encoded;
    }
    this.#others ??= new WeakMap();
    if (this.#others.has(core)) return this.#others.get(core);
    const encoded = encodeContext(this.#fields, core);
    this.#others.set(core, encoded);
    return encoded;
  }
}

function encodeContext(fields: object, core: LoggerCore): EncodedBindings | undefined {
  return nonEmpty(encodeBindings(fields, undefined, core.limits, core.redactor));
}

// One storage per process, even when podlog is loaded twice (its ESM and CJS builds, or two
// copies in node_modules): a context entered through one copy is seen by loggers of the other.
const STORAGE_KEY = Symbol.for('podlog.request-context');
const shared = globalThis as { [STORAGE_KEY]?: AsyncLocalStorage<RequestContext> };
shared[STORAGE_KEY] ??= new AsyncLocalStorage<RequestContext>();
const storage: AsyncLocalStorage<RequestContext> = shared[STORAGE_KEY];

/**
 * Runs `fn` in `ctx`: every record logged inside it (also after `await`, in timers and
 * callbacks started from it) carries `ctx`'s fields, after the logger's own bindings (a
 * context field replaces a binding of the same key; a call's own field replaces both).
 * Returns what `fn` returns. Contexts nest: the innermost wins.
 */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The request context active here, or `undefined` outside any. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** @internal The write path: the active context's encoded fields for `core`, if any. Never throws. */
export function activeContextBindings(core: LoggerCore): EncodedBindings | undefined {
  const ctx = storage.getStore();
  if (ctx === undefined) return undefined;
  if (ctx instanceof RequestContext) return ctx.bindingsFor(core);
  // A context from another copy of podlog: its private cache is not ours to read.
  const fields = (ctx as { fields?: unknown }).fields;
  return typeof fields === 'object' && fields !== null ? encodeContext(fields, core) : undefined;
}
