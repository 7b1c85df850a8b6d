/**
 * The built package (tsup, as `npm run build` makes it, into a temp dir):
 *   - its `.d.ts` files show the public API only: no internals (`LoggerState`, `RecordSink`,
 *     `Redactor`, …), every public name of each entry point;
 *   - `import 'podlog'` (ESM) does not load undici or protobufjs: they load at the first export
 *     request and the first decode; nor node:http, http2, net, zlib, crypto, nor node:fs, util or
 *     module as ESM modules (bench/import-time.mjs measures what that saves).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
let tmp: string;
let dist: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'podlog-build-'));
  symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'), 'dir');
  writeFileSync(join(tmp, 'package.json'), '{"type":"module"}');
  dist = join(tmp, 'dist');
  const built = spawnSync(
    process.execPath,
    [join(root, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', dist, '--no-sourcemap'],
    { cwd: root, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`tsup failed:\n${built.stdout}\n${built.stderr}`);
}, 400_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Every declaration file of the build, ESM and CJS flavours, as one text per file. */
function declarations(): Map<string, string> {
  const files = readdirSync(dist).filter((f) => /\.d\.c?ts$/.test(f));
  return new Map(files.map((f) => [f, readFileSync(join(dist, f), 'utf8')]));
}

/** The names an entry's `.d.ts` exports (`export { a, type B, c as d }` lines). */
function exportedNames(file: string): Set<string> {
  const text = readFileSync(join(dist, file), 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/export \{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type /, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.add(name);
    }
  }
  return names;
}

const INTERNALS = [
  'LoggerState',
  'LoggerCore',
  'RecordSink',
  'Redactor',
  'EncodedBindings',
  'EncodedRecord',
  'EncodedScope',
  'FramedRecord',
  'QueuedRecord',
  'LevelRegistry',
  'ResourceProvider',
  'RateLimiter',
  'RateLimitConfig',
  'ValueLimits',
  'ForeignRecord',
  'EMIT_FOREIGN',
  'writeUnfiltered',
  'Diag',
];

const PUBLIC: Record<string, string[]> = {
  'index.d.ts': [
    'createLogger',
    'Logger',
    'LoggerOptions',
    'ExportOptions',
    'SpoolOptions',
    'StatsSnapshot',
    'DropReason',
    'Level',
    'LEVELS',
    'VERSION',
    'PodlogError',
    'InvalidOptionError',
    'UnknownOptionError',
    'DecodeError',
    'ExportTimeoutError',
    'ExportAbortedError',
    'SpoolUnavailableError',
    'decodeProtobufRequest',
    'captureConsole',
  ],
  'winston.d.ts': [
    'PodlogTransport',
    'PodlogTransportOptions',
    'createLoggerFromWinston',
    'optionsFromWinston',
  ],
  'testing.d.ts': ['createTestLogger', 'otlpHandlers', 'decodeLogsRequest'],
  'otel.d.ts': ['PodlogLoggerProvider', 'registerGlobalLoggerProvider'],
  'register.d.ts': ['getLogger'],
};

describe('the built package', () => {
  it('declares no internals in any .d.ts', () => {
    for (const [file, text] of declarations()) {
      for (const name of INTERNALS) {
        expect(new RegExp(`\\b${name}\\b`).test(text), `${name} in ${file}`).toBe(false);
      }
    }
  });

  it('each entry point still exports its public API (ESM and CJS typings)', () => {
    for (const [file, names] of Object.entries(PUBLIC)) {
      for (const typings of [file, file.replace(/\.d\.ts$/, '.d.cts')]) {
        const exported = exportedNames(typings);
        for (const name of names) expect(exported.has(name), `${name} exported by ${typings}`).toBe(true);
      }
    }
  });

  it("import 'podlog' loads neither undici, protobufjs nor the builtins it needs later (they load on first use)", () => {
    // The static import graph of the ESM entry: what `import('podlog')` evaluates before any call.
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(dist, file), 'utf8');
      // Static forms only: `import … from "x"`, `import "x"`, `export … from "x"` (not `import("x")`).
      for (const m of code.matchAll(/^\s*(?:import|export)\b[^;(]*?["']([^"']+)["']/gm)) {
        if (m[1].startsWith('./')) visit(m[1].slice(2));
        else packages.add(m[1]);
      }
    };
    visit('index.js');
    expect(seen.size).toBeGreaterThan(1);
    expect([...packages].filter((p) => /^(undici|protobufjs)/.test(p))).toEqual([]);
    // They are still there, loaded lazily: undici by dynamic import, protobufjs by require.
    const all = [...seen].map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    expect(all).toMatch(/import\(["']undici["']\)/);
    expect(all).toMatch(/require\d*\(["']protobufjs\/minimal\.js["']\)/);
    // The builtins the first log call does not need load on first use (getBuiltinModule), and
    // node:fs, util and module are taken as CJS objects: an ESM import evaluates every export.
    expect(
      [...packages].filter((p) => /^(node:)?(http|http2|net|zlib|crypto|fs|util|module)$/.test(p)),
    ).toEqual([]);
    expect(all).toMatch(/getBuiltinModule\(["']node:http["']\)/);
    expect(all).toMatch(/getBuiltinModule\(["']node:fs["']\)/);
  });
});
