import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
    testing: 'src/testing/index.ts',
    winston: 'src/integrations/winston/index.ts',
    otel: 'src/integrations/otel/index.ts',
    register: 'src/integrations/register/index.ts',
    pino: 'src/integrations/pino/index.ts',
    'pino-transport': 'src/integrations/pino/transport.ts',
    http: 'src/integrations/http/index.ts',
    fastify: 'src/integrations/fastify/index.ts',
    nest: 'src/integrations/nest/index.ts',
  },
  format: ['esm', 'cjs'],
  // The published typings are the public API only: tsconfig.json's `stripInternal` drops what is
  // marked `@internal` (the logger's constructor and state, sinks, encoders…), and what only
  // they used goes with them (test/build/public-typings.test.ts checks the built files).
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  shims: true,
});
