import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
    testing: 'src/testing/index.ts',
    winston: 'src/integrations/winston/index.ts',
    otel: 'src/integrations/otel/index.ts',
    register: 'src/integrations/register/index.ts',
    http: 'src/integrations/http/index.ts',
    fastify: 'src/integrations/fastify/index.ts',
    nest: 'src/integrations/nest/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  shims: true,
});
