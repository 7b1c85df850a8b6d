/**
 * The option tables of docs/configuration.md are generated from the option schemas in src/
 * (scripts/options-docs.mjs): a schema change without `npm run docs:options` fails here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/options-docs.mjs', import.meta.url));
const DOC = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

describe('docs/configuration.md option tables', () => {
  it('are up to date with the option schemas (npm run docs:check)', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, '--check'], { timeout: 60_000 });
    expect(stdout).toContain('up to date');
  }, 90_000);

  it('every top-level option and every group field has a row', () => {
    const doc = readFileSync(DOC, 'utf8');
    for (const option of ['endpoint', 'retry.maxDelayMs', 'tls.ca', 'queue.maxBytes', 'batch.maxRecords']) {
      expect(doc).toContain(`| \`${option}\` |`);
    }
    for (const option of [
      'spool.segmentBytes',
      'podinfo.pollIntervalMs',
      'limits.maxDepth',
      'rateLimit.maxKeys',
    ]) {
      expect(doc).toContain(`| \`${option}\` |`);
    }
  });

  it('--check exits 1 and says what to run when a table is stale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podlog-docs-'));
    try {
      const stale = join(dir, 'configuration.md');
      writeFileSync(stale, readFileSync(DOC, 'utf8').replace(/\| `maxRequestBytes` \|[^\n]*\n/, ''));
      const failed = await run(process.execPath, [SCRIPT, '--check', '--doc', stale], {
        timeout: 60_000,
      }).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain('option tables are stale');
      expect(failed?.stderr).toContain('npm run docs:options');
      // Regenerating puts the row back.
      await run(process.execPath, [SCRIPT, '--doc', stale], { timeout: 60_000 });
      expect(readFileSync(stale, 'utf8')).toBe(readFileSync(DOC, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
