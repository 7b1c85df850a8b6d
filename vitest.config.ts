import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // Tests and examples import `podlog`, `podlog/testing`, … as users do; point them at src/ so
  // nothing needs a build first. Most specific first: `podlog` alone must not swallow subpaths.
  resolve: {
    alias: [
      { find: /^podlog\/testing$/, replacement: src('testing/index.ts') },
      { find: /^podlog\/winston$/, replacement: src('integrations/winston/index.ts') },
      { find: /^podlog\/otel$/, replacement: src('integrations/otel/index.ts') },
      { find: /^podlog\/register$/, replacement: src('integrations/register/index.ts') },
      { find: /^podlog\/pino\/transport$/, replacement: src('integrations/pino/transport.ts') },
      { find: /^podlog\/pino$/, replacement: src('integrations/pino/index.ts') },
      { find: /^podlog\/http$/, replacement: src('integrations/http/index.ts') },
      { find: /^podlog\/fastify$/, replacement: src('integrations/fastify/index.ts') },
      { find: /^podlog\/nest$/, replacement: src('integrations/nest/index.ts') },
      { find: /^podlog$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two at once on two cores: many suites wait on child processes, sockets and timers, so a
    // second worker halves the wall time without oversubscribing the CPU (vitest's default
    // there is one).
    maxWorkers: 2,
  },
});
