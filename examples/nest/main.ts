/**
 * A NestJS 12 service using podlog:
 * - `new PodlogNestLogger(log)` as Nest's logger: Nest's own records and `new Logger(Context)`
 *   records go to podlog, the context as the logger name (`OrdersService`, `RoutesResolver`);
 * - `app.use(httpLogger({ logger: log }))` (podlog/http): a request id per request, carried by
 *   every record logged while handling it, and one completion record per request;
 * - errors: Nest's exception handler logs them with their stack (in the request's context).
 *
 * Decorators are applied by hand below so the example runs from source with tsx (esbuild does
 * not emit decorator metadata); in an app compiled by tsc with `experimentalDecorators` and
 * `emitDecoratorMetadata`, write `@Controller('orders')`, `@Get(':id')`, `@Param('id')` …
 *
 * Run: `podlog receive` in one terminal, `node --import tsx examples/nest/main.ts` in another.
 */
import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Logger,
  Module,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from 'podlog';
import { httpLogger, PodlogNestLogger } from 'podlog/nest';

const log = createLogger({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'orders-api' });

class OrdersService {
  readonly #logger = new Logger('OrdersService');
  readonly #orders = new Map<string, { id: string; item: string }>([['7', { id: '7', item: 'green tea' }]]);

  find(id: string): { id: string; item: string } {
    const order = this.#orders.get(id);
    if (!order) throw new NotFoundException(`no order ${id}`);
    return order;
  }

  create(item: string): { id: string; item: string } {
    const order = { id: String(this.#orders.size + 1), item };
    this.#orders.set(order.id, order);
    this.#logger.log('order created', { orderId: order.id, item });
    return order;
  }
}
Injectable()(OrdersService);

class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  get(id: string) {
    return this.orders.find(id);
  }

  create(body: { item?: string }) {
    return this.orders.create(String(body?.item ?? 'unknown'));
  }

  async boom(): Promise<never> {
    throw new Error('inventory service unreachable');
  }
}
// @Controller('orders') class OrdersController { constructor(@Inject(OrdersService) orders) … }
Inject(OrdersService)(OrdersController, undefined, 0);
method(OrdersController, 'get', Get(':id'));
Param('id')(OrdersController.prototype, 'get', 0);
method(OrdersController, 'create', Post(), HttpCode(201));
Body()(OrdersController.prototype, 'create', 0);
method(OrdersController, 'boom', Get('boom/now'));
Controller('orders')(OrdersController);

class AppModule {}
Module({ controllers: [OrdersController], providers: [OrdersService] })(AppModule);

/** What `@Decorator()` on a method does. */
function method(target: { prototype: object }, key: string, ...decorators: MethodDecorator[]): void {
  const proto = target.prototype;
  Reflect.decorate(decorators, proto, key, Object.getOwnPropertyDescriptor(proto, key));
}

const app = await NestFactory.create(AppModule, { logger: new PodlogNestLogger(log) });
app.use(httpLogger({ logger: log }));
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log(`listening on ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}`);

// Graceful shutdown: close the app (the server stops taking requests), flush logs, exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    log.info('shutting down', { signal });
    await app.close();
    await log.shutdown({ timeoutMs: 5_000 });
    process.exit(0);
  });
}
