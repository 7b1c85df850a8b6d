/**
 * Builds podlog into a temporary directory, so a benchmark never rebuilds the shared dist/ under
 * other people's feet, and can measure exactly one commit rather than a tree others are editing.
 * Read-only on the repository: `git archive` (or the working tree's sources) + tsup in
 * os.tmpdir(), with node_modules symlinked so the build resolves its dependencies.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freshDir(root, name) {
  const dir = join(tmpdir(), name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function tsup(root, cwd, args, what, dir) {
  try {
    execFileSync(join(root, 'node_modules/.bin/tsup'), args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not build ${what}: ${err.message.split('\n')[0]}`);
  }
}

/** Builds commit `ref`. @returns {{ sha: string, dist: string }} */
export function buildCommit(root, ref, log = () => {}) {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root })
    .toString()
    .trim();
  const name = `podlog-bench-${sha.slice(0, 12)}`;
  const dist = join(tmpdir(), name, 'dist');
  // A cached build is reused only while its node_modules link resolves (existsSync follows it):
  // a build made from a worktree since removed would run without undici and deliver nothing.
  if (existsSync(join(dist, 'index.js')) && existsSync(join(tmpdir(), name, 'node_modules')))
    return { sha, dist };
  log(`building podlog ${sha.slice(0, 12)} in ${join(tmpdir(), name)}…`);
  const dir = freshDir(root, name);
  const archive = execFileSync('git', ['archive', '--format=tar', sha], { cwd: root, maxBuffer: 2 ** 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  tsup(root, dir, [], `podlog at ${sha.slice(0, 12)}`, dir);
  return { sha, dist };
}

/**
 * Builds the working tree as it is now (uncommitted changes included).
 * @returns {{ dist: string, dir: string }} dist/ and the temp dir to remove afterwards
 */
export function buildWorkingTree(root, log = () => {}) {
  const dir = freshDir(root, `podlog-bench-worktree-${process.pid}`);
  log(`building the working tree in ${dir}…`);
  const dist = join(dir, 'dist');
  tsup(root, root, ['--out-dir', dist, '--no-dts'], 'the working tree', dir);
  return { dist, dir };
}
