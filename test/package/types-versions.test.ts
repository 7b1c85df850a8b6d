/**
 * TypeScript projects on `moduleResolution: node` (node10, the default for `module: commonjs`)
 * ignore `exports`: they find `podlog/<subpath>` types only through `typesVersions`. For every
 * subpath in package.json `exports` (so subpaths added later are covered), this lays out the
 * package as npm installs it (package.json plus the declaration files `exports` names) and asks
 * the TypeScript compiler's own resolver where a consumer's imports land. A control run without
 * `typesVersions` must not resolve, or the check would prove nothing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

type Conditions = { import?: { types?: string }; require?: { types?: string } };
interface PackageJson {
  name: string;
  exports: Record<string, string | Conditions>;
  typesVersions?: Record<string, Record<string, string[]>>;
  [k: string]: unknown;
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson;
const subpaths = Object.entries(pkg.exports)
  .filter(([k, v]) => k !== '.' && typeof v === 'object')
  .map(([k, v]) => ({
    name: k.slice(2),
    types: [(v as Conditions).import?.types, (v as Conditions).require?.types],
  }));

const work = mkdtempSync(join(tmpdir(), 'podlog-types-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Lays out an installed podlog (with `manifest` as its package.json) next to a consumer and asks
 * the TypeScript compiler where each `podlog/<subpath>` import resolves: subpath → file, or
 * undefined when it does not resolve.
 */
function resolveAll(manifest: PackageJson, label: string): Record<string, string | undefined> {
  const root = join(work, label);
  const installed = join(root, 'node_modules', pkg.name);
  mkdirSync(installed, { recursive: true });
  writeFileSync(join(installed, 'package.json'), JSON.stringify(manifest));
  for (const { name, types } of subpaths) {
    for (const file of types) {
      if (!file) continue;
      const path = join(installed, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `export declare const subpath: '${name}';\n`);
    }
  }
  const consumer = join(root, 'consumer.ts');
  writeFileSync(consumer, subpaths.map(({ name }) => `import '${pkg.name}/${name}';`).join('\n'));
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const out: Record<string, string | undefined> = {};
  for (const { name } of subpaths) {
    const r = ts.resolveModuleName(`${pkg.name}/${name}`, consumer, options, ts.sys);
    out[name] = r.resolvedModule?.resolvedFileName.slice(installed.length + 1);
  }
  return out;
}

describe('typesVersions: every subpath resolves under moduleResolution node', () => {
  it('exports has subpaths to check', () => {
    expect(subpaths.map((s) => s.name)).toContain('testing');
  });

  it('each subpath resolves to the declarations exports names for require (module: commonjs, moduleResolution: node)', () => {
    const expected = Object.fromEntries(
      subpaths.map(({ name, types }) => [name, types[1]?.replace(/^\.\//, '')]),
    );
    expect(resolveAll(pkg, 'with')).toEqual(expected);
  });

  it('control: without typesVersions none of them resolves', () => {
    const { typesVersions: _, ...without } = pkg;
    const resolved = resolveAll(without as PackageJson, 'without');
    expect(Object.values(resolved).filter((f) => f !== undefined)).toEqual([]);
  });
});
