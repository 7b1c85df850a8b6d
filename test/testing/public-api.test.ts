/**
 * The package's public surface: every type a user writes in `createLogger` options can be named
 * from `podlog` (so options can be built up in typed pieces), and `podlog/testing` decodes on
 * its own. The last case walks LoggerOptions' types with the TypeScript compiler, so a new
 * option type that is not exported fails here rather than in a user's build.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type BatchOptions,
  type Compression,
  createLogger,
  DecodeError,
  type Durability,
  decodeProtobufRequest,
  type ExportOptions,
  LEVELS,
  type Level,
  type LoggerOptions,
  type Overflow,
  type PipelineOptions,
  type Protocol,
  type QueueOptions,
  type ResourceAttributes,
  type RetryOptions,
  type SpoolOptions,
  type TlsOptions,
} from '../../src/index.js';
import {
  createTestLogger,
  type DecodedResourceLogs,
  decodeLogsRequest,
  DecodeError as TestingDecodeError,
} from '../../src/testing/index.js';

describe('public API', () => {
  it('option sub-types are exported by name and compose into LoggerOptions', async () => {
    const retry: RetryOptions = { maxAttempts: 3 };
    const tls: TlsOptions = { rejectUnauthorized: true };
    const protocol: Protocol = 'http/json';
    const compression: Compression = 'gzip';
    const exportOptions: ExportOptions = {
      endpoint: 'http://127.0.0.1:9/v1/logs',
      retry,
      tls,
      protocol,
      compression,
    };
    const queue: QueueOptions = { maxRecords: 1000 };
    const overflow: Overflow = 'drop-newest';
    const pipeline: PipelineOptions = { queue, overflow, handleExit: false };
    const batch: BatchOptions = { maxRecords: 10 };
    const durability: Durability = 'none';
    const spool: SpoolOptions = { maxBytes: 1 << 20, durability };
    const resource: ResourceAttributes = { 'deployment.environment': 'test' };
    const options: LoggerOptions = {
      ...exportOptions,
      ...pipeline,
      batch,
      resource,
      diagnostics: false,
      env: {},
    };
    expectTypeOf(spool).toMatchTypeOf<NonNullable<LoggerOptions['spool']>>();
    expectTypeOf<Level>().toEqualTypeOf<(typeof LEVELS)[number]>();
    expect(LEVELS).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

    const log = createLogger(options);
    try {
      expect(log.level).toBe('info');
    } finally {
      await log.shutdown({ timeoutMs: 100 });
    }
  });

  it('podlog/testing decodes requests; DecodeError is the same class from the root and from testing', () => {
    const { logger, records } = createTestLogger();
    logger.info('hello');
    expect(records).toHaveLength(1);
    const bad = Buffer.from([0x0a, 0xff]); // a length prefix past the end
    expect(() => decodeLogsRequest(bad, 'application/x-protobuf')).toThrow(TestingDecodeError);
    expect(() => decodeProtobufRequest(bad)).toThrow(DecodeError);
    expect(TestingDecodeError).toBe(DecodeError);
    const empty = decodeLogsRequest(new Uint8Array(0), 'application/x-protobuf');
    expectTypeOf(empty.resourceLogs).toEqualTypeOf<DecodedResourceLogs[]>();
    expect(empty.resourceLogs).toEqual([]);
  });

  it('every podlog type reachable from LoggerOptions is exported from the root', () => {
    const src = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));
    const entries = { 'index.ts': 'LoggerOptions' } as const;
    const program = ts.createProgram(Object.keys(entries).map(src), {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    });
    const checker = program.getTypeChecker();
    const srcRoot = src('');
    const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
    const missing: string[] = [];
    for (const [entry, rootName] of Object.entries(entries)) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(src(entry))!)!;
      const exported = new Set(checker.getExportsOfModule(module).map(resolve));
      const root = [...exported].find((s) => s.name === rootName)!;
      expect(root, `${entry} exports ${rootName}`).toBeDefined();
      const seen = new Set<ts.Symbol>([root]);
      const queue = [...(root.declarations ?? [])];
      while (queue.length > 0) {
        const visit = (node: ts.Node): void => {
          if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
            const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
            const target = checker.getSymbolAtLocation(name);
            const sym = target && resolve(target);
            const file = sym?.declarations?.[0]?.getSourceFile().fileName;
            if (sym && file?.startsWith(srcRoot) && !seen.has(sym)) {
              seen.add(sym);
              if (!exported.has(sym)) missing.push(`${entry}: ${sym.name} (${file.slice(srcRoot.length)})`);
              queue.push(...(sym.declarations ?? []));
            }
          }
          ts.forEachChild(node, visit);
        };
        visit(queue.pop()!);
      }
    }
    expect(missing).toEqual([]);
  }, 30_000);
});
