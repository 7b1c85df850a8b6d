#!/usr/bin/env node
// Packs podlog, installs the tarball into a throwaway consumer project, and checks that both
// `import { createLogger } from 'podlog'` and `require('podlog')` work and deliver a record to a
// receiver on 127.0.0.1. Run after `npm run build`.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'podlog-consumer-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

let received = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/v1/logs' && Buffer.concat(chunks).length > 0) received++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${server.address().port}/v1/logs`;

try {
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop();
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', join(work, tarball)], work);
  writeFileSync(
    join(work, 'esm.mjs'),
    `import { createLogger } from 'podlog';
const log = createLogger({ endpoint: process.env.EP, diagnostics: false });
log.info('hello from esm', { kind: 'esm' });
await log.shutdown();
if (log.stats().exported !== 1) { console.error('esm: not exported', log.stats()); process.exit(1); }
console.log('esm ok');`,
  );
  writeFileSync(
    join(work, 'cjs.cjs'),
    `const { createLogger } = require('podlog');
const log = createLogger({ endpoint: process.env.EP, diagnostics: false });
log.info('hello from cjs', { kind: 'cjs' });
log.shutdown().then(() => {
  if (log.stats().exported !== 1) { console.error('cjs: not exported', log.stats()); process.exit(1); }
  console.log('cjs ok');
});`,
  );
  const env = { ...process.env, EP: endpoint };
  // Async: the receiver lives in this process, so its event loop must keep running.
  for (const file of ['esm.mjs', 'cjs.cjs']) {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: work, env });
    process.stdout.write(stdout);
  }
  if (received !== 2) throw new Error(`receiver got ${received} requests, expected 2`);
  console.log('consumer smoke: ESM and CJS consumers delivered records');
} catch (err) {
  console.error(`consumer smoke failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
