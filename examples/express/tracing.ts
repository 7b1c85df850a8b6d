/**
 * Stand-in for your OpenTelemetry SDK setup (`@opentelemetry/sdk-node` registers all of this for
 * you): a context manager so a span can be "active" for the duration of a request, and W3C
 * `traceparent` parsing. podlog reads the active span through `@opentelemetry/api` and stamps
 * its trace id and span id on every record logged inside it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  type SpanContext,
  trace,
} from '@opentelemetry/api';

class AsyncLocalStorageContextManager implements ContextManager {
  readonly #als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#als.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#als.disable();
    return this;
  }
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager());

/** The request's span context: its `traceparent` trace (or a new one) with a fresh span id. */
export function spanContextFor(traceparent: string | undefined): SpanContext {
  const m = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(traceparent ?? '');
  return {
    traceId: m ? m[1] : randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: m ? Number.parseInt(m[2], 16) : 1,
  };
}

/** Runs `fn` with a span for this request active. */
export function withRequestSpan<T>(traceparent: string | undefined, fn: () => T): T {
  return context.with(trace.setSpanContext(context.active(), spanContextFor(traceparent)), fn);
}
