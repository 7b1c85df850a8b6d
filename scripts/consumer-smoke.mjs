#!/usr/bin/env node
// Packs podlog, installs the tarball into a throwaway consumer project, and checks that both
// `import { createLogger } from 'podlog'` and `require('podlog')` work and deliver a record to a
// receiver on 127.0.0.1. Run after `npm run build`.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'podlog-consumer-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

let received = 0;
/** Requests per path: the entry-point scenarios each post to their own `/<name>/v1/logs`. */
const byPath = new Map();
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/v1/logs' && Buffer.concat(chunks).length > 0) received++;
    if (Buffer.concat(chunks).length > 0) byPath.set(req.url, (byPath.get(req.url) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${server.address().port}/v1/logs`;

const PEERS = ['winston', 'winston-transport', '@opentelemetry/api', '@opentelemetry/api-logs', 'msw'];

/**
 * The subpath entry points from both module systems: podlog/testing, podlog/winston, podlog/otel,
 * and podlog/register preloaded with `--import` (ESM) and `-r` (CommonJS).
 */
async function entryPoints(baseEnv) {
  const ep = (name) => endpoint.replace('/v1/logs', `/${name}/v1/logs`);
  const check = (name) => `
const { createTestLogger } = testing;
const t = createTestLogger();
t.logger.info('captured');
if (t.records[0]?.body !== 'captured') throw new Error('${name}: testing kit did not capture');
if (typeof testing.otlpHandlers({ endpoint: 'http://x.test/v1/logs' }).handlers[0] !== 'object') throw new Error('${name}: otlpHandlers');
const w = winstonLib.createLogger({ transports: [new winston.PodlogTransport({ logger: t.logger })] });
w.warn('from winston');
if (t.records[1]?.body !== 'from winston') throw new Error('${name}: winston transport');
otel.registerGlobalLoggerProvider(t.logger);
apiLogs.logs.getLogger('lib').emit({ severityNumber: 13, body: 'from otel' });
if (t.records[2]?.body !== 'from otel') throw new Error('${name}: otel bridge');
const log = createLogger({ endpoint: process.env.EP2, diagnostics: false });
const w2 = winstonLib.createLogger({ transports: [new winston.PodlogTransport({ logger: log })] });
w2.info('shipped through winston');
`;
  writeFileSync(
    join(work, 'entries.mjs'),
    `import { createLogger } from 'podlog';
import * as testing from 'podlog/testing';
import * as winston from 'podlog/winston';
import * as otel from 'podlog/otel';
import winstonLib from 'winston';
import * as apiLogs from '@opentelemetry/api-logs';
${check('esm')}
await new Promise((r) => setTimeout(r, 20));
await log.shutdown();
if (log.stats().exported !== 1) { console.error('esm entries: not exported', log.stats()); process.exit(1); }
console.log('esm entry points ok');`,
  );
  writeFileSync(
    join(work, 'entries.cjs'),
    `const { createLogger } = require('podlog');
const testing = require('podlog/testing');
const winston = require('podlog/winston');
const otel = require('podlog/otel');
const winstonLib = require('winston');
const apiLogs = require('@opentelemetry/api-logs');
${check('cjs')}
setTimeout(() => log.shutdown().then(() => {
  if (log.stats().exported !== 1) { console.error('cjs entries: not exported', log.stats()); process.exit(1); }
  console.log('cjs entry points ok');
}), 20);`,
  );
  // A console-only app, preloaded with podlog/register: its console output becomes records.
  writeFileSync(join(work, 'console-app.mjs'), `console.log('plain console line');`);
  writeFileSync(join(work, 'console-app.cjs'), `console.log('plain console line');`);
  const exec = promisify(execFile);
  const scenarios = [
    ['entries-esm', ['entries.mjs']],
    ['entries-cjs', ['entries.cjs']],
    ['register-esm', ['--import', 'podlog/register', 'console-app.mjs']],
    ['register-cjs', ['-r', 'podlog/register', 'console-app.cjs']],
  ];
  for (const [name, args] of scenarios) {
    const env = {
      ...baseEnv,
      EP2: ep(name),
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: ep(name),
      PODLOG_CAPTURE_CONSOLE: '1',
    };
    const { stdout } = await exec(process.execPath, args, { cwd: work, env });
    process.stdout.write(stdout);
    if (!byPath.get(`/${name}/v1/logs`)) throw new Error(`${name}: no request reached the receiver`);
    console.log(`${name}: delivered`);
  }
}

/**
 * A TypeScript consumer on \`module: commonjs\` (so \`moduleResolution: node\`, which ignores
 * \`exports\`) type-checks imports of every subpath in \`exports\` against the installed tarball's
 * real declarations: \`typesVersions\` must point at each (test/package/types-versions.test.ts checks
 * the mapping without a build).
 */
function typesFromNode10() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json');
  const lines = subpaths.map(
    (k, i) => `import * as m${i} from 'podlog/${k.slice(2)}';\nexport const k${i} = Object.keys(m${i});`,
  );
  writeFileSync(join(work, 'types-node10.ts'), `${lines.join('\n')}\n`);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    '--noEmit',
    '--module',
    'commonjs',
    '--moduleResolution',
    'node',
    '--ignoreDeprecations',
    '5.0',
  ];
  run(
    process.execPath,
    [
      tsc,
      ...args,
      '--skipLibCheck',
      '--types',
      'node',
      '--typeRoots',
      join(root, 'node_modules', '@types'),
      'types-node10.ts',
    ],
    work,
  );
  console.log(
    `types (moduleResolution node): ${subpaths.map((k) => `podlog/${k.slice(2)}`).join(', ')} resolve`,
  );
}

try {
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop();
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', join(work, tarball)], work);
  // The optional peers the subpath entry points need, linked from this checkout (no download).
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--silent',
      '--no-save',
      ...PEERS.map((p) => join(root, 'node_modules', p)),
    ],
    work,
  );
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
  await entryPoints(env);
  typesFromNode10();
  console.log('consumer smoke: ESM and CJS consumers delivered records');
} catch (err) {
  console.error(`consumer smoke failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
